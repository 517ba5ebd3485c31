import { defineStateMachine } from '../../lib/state-machine.ts';

/**
 * The order's fulfilment lifecycle. Payment has its own machine below: an order can ship before it is
 * paid (cash on delivery, invoices) and be refunded after delivery, so the two move independently.
 */
export const orderLifecycle = defineStateMachine('order', {
  placed: ['partially_shipped', 'shipped', 'delivered', 'cancelled'],
  partially_shipped: ['shipped', 'delivered', 'cancelled'],
  shipped: ['delivered'],
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
