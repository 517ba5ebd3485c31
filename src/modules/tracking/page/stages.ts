import { isSubStatus, isTrackingStatus, type TrackingStatus } from '../statuses.ts';

/** The five steps a customer recognises; every canonical status sits on one of them. */
export const STAGES = ['ordered', 'shipped', 'in_transit', 'out_for_delivery', 'delivered'] as const;
export type Stage = (typeof STAGES)[number];

/** What the page headline talks about: a parcel's status, or the order before/without parcels. */
export type PageStatus = TrackingStatus | 'ordered' | 'cancelled';

const STAGE_OF: Record<TrackingStatus, Stage> = {
  pending: 'ordered',
  info_received: 'shipped',
  in_transit: 'in_transit',
  exception: 'in_transit',
  expired: 'in_transit',
  out_for_delivery: 'out_for_delivery',
  attempt_fail: 'out_for_delivery',
  available_for_pickup: 'out_for_delivery',
  delivered: 'delivered',
};

export function stageOf(status: PageStatus): Stage {
  if (status === 'ordered' || status === 'cancelled') return 'ordered';
  return STAGE_OF[status];
}

/** Statuses that need the customer's attention: shown in the problem colour with what happens next. */
export function isProblem(status: PageStatus): boolean {
  return status === 'exception' || status === 'attempt_fail' || status === 'expired';
}

/**
 * Which parcel the headline speaks for when an order has several: one that needs attention first, then the
 * exciting news (out for delivery, ready for pickup), then the least advanced of the rest; "delivered" only
 * when every parcel is.
 */
const HEADLINE_PRIORITY: TrackingStatus[] = [
  'exception',
  'attempt_fail',
  'expired',
  'out_for_delivery',
  'available_for_pickup',
  'pending',
  'info_received',
  'in_transit',
  'delivered',
];

export function headlineIndex(statuses: string[]): number {
  let best = -1;
  let bestRank = Number.POSITIVE_INFINITY;
  statuses.forEach((s, i) => {
    const rank = isTrackingStatus(s) ? HEADLINE_PRIORITY.indexOf(s) : HEADLINE_PRIORITY.length;
    if (rank < bestRank) {
      best = i;
      bestRank = rank;
    }
  });
  return best;
}

/** The key (under tracking.next.*) of what happens next for this status and sub-status. */
export function nextStepKey(status: PageStatus, sub: string | null): string {
  switch (status) {
    case 'exception':
      if (sub === 'customs_hold') return 'exception_customs';
      if (sub === 'address_problem') return 'exception_address';
      if (sub === 'damaged' || sub === 'lost' || sub === 'refused') return 'exception_problem';
      if (sub === 'returning_to_sender' || sub === 'returned_to_sender') return 'exception_return';
      if (sub === 'weather' || sub === 'carrier_delay') return 'exception_delay';
      return 'exception';
    case 'attempt_fail':
      return sub === 'address_problem' || sub === 'access_problem' ? 'attempt_fail_address' : 'attempt_fail';
    default:
      return status;
  }
}

/** The word for a scan or a parcel's state: its sub-status when it has a known one, else its status. */
export function eventKey(status: string, sub: string | null): string {
  if (!isTrackingStatus(status)) return 'event.update';
  if (sub && isSubStatus(status, sub)) return `sub.${sub}`;
  return `event.${status}`;
}
