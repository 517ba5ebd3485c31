import { defineStateMachine } from '../../lib/state-machine.ts';

/**
 * The life of a return (RMA). A request is decided (approved, or parked for a person when a policy rule
 * asks for review), the parcel comes back (label, in transit, received), each line is inspected, and the
 * resolution (refund, credit, exchange) is carried out. Returnless refunds and "keep it" resolve straight
 * from approved; a cancelled or rejected return ends there.
 */
export const RETURN_STATUSES = [
  'requested',
  'needs_review',
  'approved',
  'rejected',
  'label_issued',
  'in_transit',
  'received',
  'inspected',
  'resolved',
  'closed',
  'cancelled',
] as const;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];

export const returnLifecycle = defineStateMachine<ReturnStatus>('return', {
  requested: ['needs_review', 'approved', 'rejected', 'cancelled'],
  needs_review: ['approved', 'rejected', 'cancelled'],
  approved: ['label_issued', 'in_transit', 'received', 'resolved', 'cancelled'],
  label_issued: ['in_transit', 'received', 'cancelled'],
  in_transit: ['received'],
  received: ['inspected'],
  inspected: ['resolved'],
  resolved: ['closed'],
  rejected: ['closed'],
  closed: [],
  cancelled: [],
});

export const RESOLUTIONS = [
  'refund',
  'store_credit',
  'exchange_variant',
  'exchange_product',
  'gift_voucher',
  'instant_exchange',
  'returnless',
] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/** What the customer ends up with, recorded at `resolved`. */
export const OUTCOMES = ['refunded', 'credited', 'exchanged'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Per line, at inspection: back to stock, damaged (no resale), or not what the policy accepts. */
export const INSPECTIONS = ['restock', 'damaged', 'not_eligible'] as const;
export type Inspection = (typeof INSPECTIONS)[number];
