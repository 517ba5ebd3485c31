/**
 * Which background tasks each domain event causes. appendEvent enqueues one job per task listed here
 * (and per task under '*'), in the same transaction as the event, keyed `${task}:${eventId}` so an
 * event can never cause the same task twice. Task names are strings so this file imports nothing.
 */
export const SUBSCRIPTIONS: Readonly<Record<string, readonly string[]>> = {
  '*': ['journeys.dispatch', 'webhooks.dispatch'],
  'order.placed': ['customers.refresh-stats'],
  'order.cancelled': ['customers.refresh-stats'],
  'order.refunded': ['customers.refresh-stats'],
  // Money back for a return of a Shopify order is refunded in Shopify too (when the Admin API is connected).
  'return.resolved': ['shopify.refund'],
};

export function subscribersOf(type: string): string[] {
  return [...(SUBSCRIPTIONS[type] ?? []), ...(SUBSCRIPTIONS['*'] ?? [])];
}
