/**
 * The domain events the platform records. Every state change appends one, in the transaction that made
 * the change; consumers (journeys, analytics, outbound webhooks) react to them through jobs.
 */
export const EVENT_TYPES = [
  'order.placed',
  'order.updated',
  'order.paid',
  'order.cancelled',
  'order.refunded',
  'order.partially_shipped',
  'order.shipped',
  'order.delivered',
  'shipment.created',
  'shipment.updated',
  'shipment.info_received',
  'shipment.in_transit',
  'shipment.out_for_delivery',
  'shipment.attempt_fail',
  'shipment.available_for_pickup',
  'shipment.delivered',
  'shipment.exception',
  'shipment.expired',
  'shipment.delayed',
  'shipment.stalled',
  'return.requested',
  'return.needs_review',
  'return.approved',
  'return.rejected',
  'return.label_issued',
  'return.in_transit',
  'return.received',
  'return.inspected',
  'return.resolved',
  'return.closed',
  'return.cancelled',
  'survey.answered',
  'task.opened',
  'customer.created',
  'import.completed',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export interface NewEvent {
  merchantId: string;
  type: EventType;
  subjectType: 'order' | 'shipment' | 'customer' | 'import' | 'survey' | 'task' | 'message' | 'return';
  subjectId: string;
  payload?: Record<string, unknown>;
  occurredAt: Date;
}
