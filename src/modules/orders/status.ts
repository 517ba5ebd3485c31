import { defineStateMachine } from '../../lib/state-machine.ts';

/**
 * The order's fulfilment lifecycle. Payment has its own machine below: an order can ship before it is
 * paid (cash on delivery, invoices) and be refunded after delivery, so the two move independently.
 */
export const orderLifecycle = defineStateMachine('order', {
  placed: ['partially_shipped', 'shipped', 'delivered', 'cancelled'],
  // Back to placed / partially_shipped only when a shipment is voided (a label cancelled before pickup).
  partially_shipped: ['placed', 'shipped', 'delivered', 'cancelled'],
  shipped: ['placed', 'partially_shipped', 'delivered'],
  delivered: [],
  cancelled: [],
});
export type OrderStatus = (typeof orderLifecycle.states)[number];

export const paymentLifecycle = defineStateMachine('payment', {
  pending: ['authorized', 'partially_paid', 'paid', 'voided'],
  authorized: ['partially_paid', 'paid', 'voided'],
  partially_paid: ['paid', 'partially_refunded', 'refunded', 'voided'],
  paid: ['partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  refunded: [],
  voided: [],
});
export type PaymentStatus = (typeof paymentLifecycle.states)[number];

export const PAYMENT_STATUSES = paymentLifecycle.states;
export const ORDER_STATUSES = orderLifecycle.states;
