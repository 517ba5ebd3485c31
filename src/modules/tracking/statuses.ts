import { SHIPMENT_STATUSES, type ShipmentStatus } from '../shipments/status.ts';

/**
 * The canonical tracking vocabulary. Every carrier's raw codes map to one status (the shipment lifecycle in
 * shipments/status.ts) and optionally one sub-status that says why or how. Pages, messages and the watchlist
 * only ever see these words, never a carrier's.
 */
export const TRACKING_STATUSES = SHIPMENT_STATUSES.filter((s) => s !== 'cancelled');
export type TrackingStatus = Exclude<ShipmentStatus, 'cancelled'>;

export const SUB_STATUSES = {
  info_received: ['label_created'],
  in_transit: [
    'picked_up',
    'departed_facility',
    'arrived_facility',
    'customs',
    'customs_released',
    'rerouted',
    'delayed',
  ],
  out_for_delivery: [],
  attempt_fail: ['recipient_absent', 'address_problem', 'business_closed', 'access_problem'],
  available_for_pickup: ['pickup_point', 'locker', 'post_office'],
  delivered: [
    'signed',
    'delivered_to_neighbour',
    'delivered_to_locker',
    'left_at_door',
    'picked_up_by_recipient',
  ],
  exception: [
    'customs_hold',
    'address_problem',
    'refused',
    'damaged',
    'lost',
    'returning_to_sender',
    'returned_to_sender',
    'weather',
    'carrier_delay',
  ],
  expired: [],
  pending: [],
} as const satisfies Record<TrackingStatus, readonly string[]>;

export type SubStatus = (typeof SUB_STATUSES)[TrackingStatus][number];

/**
 * How far along the parcel's life a status is. A late-arriving event can only move the shipment forward or
 * sideways within the same rank (e.g. exception after in_transit); it never brings a delivered parcel back.
 * Ranks are compared only when event times tie or an event is older than the current one.
 */
export const STATUS_RANK: Record<TrackingStatus, number> = {
  pending: 0,
  info_received: 1,
  in_transit: 2,
  exception: 2,
  attempt_fail: 3,
  out_for_delivery: 3,
  available_for_pickup: 4,
  delivered: 5,
  expired: 5,
};

export function isTrackingStatus(s: string): s is TrackingStatus {
  return (TRACKING_STATUSES as readonly string[]).includes(s);
}

export function isSubStatus(status: TrackingStatus, sub: string): boolean {
  return (SUB_STATUSES[status] as readonly string[]).includes(sub);
}

/** Statuses after which nothing more happens to the parcel. */
export const FINAL_STATUSES: readonly TrackingStatus[] = ['delivered', 'expired'];
