import type { TrackingStatus } from './statuses.ts';

/** One carrier scan after normalisation: canonical words, an instant, and the raw code kept for support. */
export interface CarrierEvent {
  occurredAt: Date;
  status: TrackingStatus;
  subStatus: string | null;
  /** The carrier's own code (or its status word when it has no code), e.g. 'OD' or 'OutForDelivery'. */
  rawCode: string | null;
  description: string | null;
  /** Human-readable place: 'Curitiba, PR, BR'. */
  location: string | null;
  /** The provider's id for this scan, when it has one; otherwise the dedupe key is derived from the content. */
  sourceId: string | null;
}

/** What a webhook, a batch push or a poll tells us about one tracking number. */
export interface CarrierUpdate {
  /** Our carrier slug ('ups', 'correios', 'dhl_express', ...) or null when the source did not say. */
  carrier: string | null;
  trackingNumber: string;
  events: CarrierEvent[];
  /** The carrier's own estimate, when it gives one ('YYYY-MM-DD'). */
  estimatedDelivery: string | null;
}
