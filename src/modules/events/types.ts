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
  'customer.created',
  'import.completed',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export interface NewEvent {
  merchantId: string;
  type: EventType;
  subjectType: 'order' | 'shipment' | 'customer' | 'import';
  subjectId: string;
  payload?: Record<string, unknown>;
  occurredAt: Date;
}
