import { defineStateMachine } from '../../lib/state-machine.ts';

/**
 * Canonical shipment statuses (the taxonomy every carrier's codes map to). Moves follow the parcel's real
 * life: after a failed attempt it can go back in transit; once delivered or expired it stays there.
 * `cancelled` is a voided fulfilment (label never used); it no longer counts as shipped.
 */
export const shipmentLifecycle = defineStateMachine('shipment', {
  pending: [
    'info_received',
    'in_transit',
    'out_for_delivery',
    'attempt_fail',
    'available_for_pickup',
    'delivered',
    'exception',
    'expired',
    'cancelled',
  ],
  info_received: [
    'in_transit',
    'out_for_delivery',
    'attempt_fail',
    'available_for_pickup',
    'delivered',
    'exception',
    'expired',
    'cancelled',
  ],
  in_transit: [
    'out_for_delivery',
    'attempt_fail',
    'available_for_pickup',
    'delivered',
    'exception',
    'expired',
  ],
  out_for_delivery: [
    'in_transit',
    'attempt_fail',
    'available_for_pickup',
    'delivered',
    'exception',
    'expired',
  ],
  attempt_fail: [
    'in_transit',
    'out_for_delivery',
    'available_for_pickup',
    'delivered',
    'exception',
    'expired',
  ],
  available_for_pickup: ['in_transit', 'delivered', 'exception', 'expired'],
  exception: [
    'in_transit',
    'out_for_delivery',
    'attempt_fail',
    'available_for_pickup',
    'delivered',
    'expired',
  ],
  delivered: [],
  expired: [],
  cancelled: [],
});
export type ShipmentStatus = (typeof shipmentLifecycle.states)[number];
export const SHIPMENT_STATUSES = shipmentLifecycle.states;
