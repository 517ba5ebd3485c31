import { DateTime } from 'luxon';
import { isSubStatus, isTrackingStatus, type TrackingStatus } from '../statuses.ts';
import type { CarrierEvent, CarrierUpdate } from '../types.ts';
import aftershipMap from './maps/aftership.json' with { type: 'json' };
import easypostMap from './maps/easypost.json' with { type: 'json' };

interface Mapped {
  status: TrackingStatus;
  subStatus: string | null;
}
type CodeMap = Record<string, { status: string; subStatus: string | null }>;

/** Provider codes we have no entry for: logged by the caller so the data file can learn them. */
export const UNMAPPED = new Set<string>();

function lookup(provider: string, maps: CodeMap[], codes: Array<string | null | undefined>): Mapped {
  for (const [i, map] of maps.entries()) {
    const code = codes[i];
    const hit = code ? map[code] : undefined;
    if (hit && isTrackingStatus(hit.status)) {
      const sub = hit.subStatus && isSubStatus(hit.status, hit.subStatus) ? hit.subStatus : null;
      return { status: hit.status, subStatus: sub };
    }
  }
  UNMAPPED.add(`${provider}:${codes.filter(Boolean).join('/')}`);
  // An unknown code still means the carrier is handling the parcel.
  return { status: 'in_transit', subStatus: null };
}

const place = (...parts: Array<string | null | undefined>) =>
  parts.filter((p) => p && String(p).trim()).join(', ') || null;

/** Provider times come with or without an offset; without one they are read as UTC. */
function instant(value: string | null | undefined): Date | null {
  if (!value) return null;
  const dt = DateTime.fromISO(value, { setZone: true, zone: 'utc' });
  return dt.isValid ? dt.toJSDate() : null;
}

const dateOnly = (value: string | null | undefined) => (value ? value.slice(0, 10) : null);

// --- EasyPost -------------------------------------------------------------------------------------

interface EasyPostDetail {
  datetime?: string | null;
  status?: string | null;
  status_detail?: string | null;
  message?: string | null;
  description?: string | null;
  carrier_code?: string | null;
  tracking_location?: { city?: string | null; state?: string | null; country?: string | null } | null;
}
interface EasyPostTracker {
  object?: string;
  tracking_code?: string;
  carrier?: string | null;
  status?: string | null;
  est_delivery_date?: string | null;
  tracking_details?: EasyPostDetail[] | null;
}

const EASYPOST_CARRIERS: Record<string, string> = {
  USPS: 'usps',
  UPS: 'ups',
  FedEx: 'fedex',
  FedExDefault: 'fedex',
  DHLExpress: 'dhl_express',
  DHLEcommerceSolutions: 'dhl_ecommerce',
  CanadaPost: 'canadapost',
  Purolator: 'purolator',
  OnTrac: 'ontrac',
  LaserShip: 'lasership',
  AmazonShipping: 'amazon',
  PostNord: 'postnord',
  Correios: 'correios',
  Correos: 'correos',
  DPD: 'dpd',
  DPDUK: 'dpd',
  RoyalMail: 'royalmail',
};

function easypostStatus(status?: string | null, detail?: string | null): Mapped {
  return lookup('easypost', [easypostMap.statusDetail, easypostMap.status], [detail, status]);
}

/** An EasyPost Event webhook body (tracker.created / tracker.updated) or a bare Tracker object. */
export function normalizeEasyPost(body: unknown): CarrierUpdate | null {
  const b = body as { object?: string; result?: EasyPostTracker } & EasyPostTracker;
  const tracker = b?.object === 'Event' ? b.result : b;
  if (tracker?.object !== 'Tracker' || !tracker.tracking_code) return null;
  const events: CarrierEvent[] = [];
  for (const d of tracker.tracking_details ?? []) {
    const at = instant(d.datetime);
    if (!at) continue;
    const m = easypostStatus(d.status, d.status_detail);
    const loc = d.tracking_location;
    events.push({
      occurredAt: at,
      ...m,
      rawCode: d.carrier_code ?? d.status_detail ?? d.status ?? null,
      description: d.message ?? d.description ?? null,
      location: place(loc?.city, loc?.state, loc?.country),
      sourceId: null,
    });
  }
  return {
    carrier: tracker.carrier ? (EASYPOST_CARRIERS[tracker.carrier] ?? tracker.carrier.toLowerCase()) : null,
    trackingNumber: tracker.tracking_code,
    events,
    estimatedDelivery: dateOnly(tracker.est_delivery_date),
  };
}

// --- AfterShip ------------------------------------------------------------------------------------

interface AfterShipCheckpoint {
  checkpoint_time?: string | null;
  tag?: string | null;
  subtag?: string | null;
  raw_tag?: string | null;
  message?: string | null;
  location?: string | null;
  city?: string | null;
  state?: string | null;
  country_iso3?: string | null;
  country_region?: string | null;
}
interface AfterShipTracking {
  tracking_number?: string;
  slug?: string | null;
  checkpoints?: AfterShipCheckpoint[] | null;
  expected_delivery?: string | null;
  aftership_estimated_delivery_date?: { estimated_delivery_date?: string | null } | null;
  latest_estimated_delivery?: { datetime?: string | null; datetime_max?: string | null } | null;
}

const AFTERSHIP_SLUGS: Record<string, string> = {
  'brazil-correios': 'correios',
  'spain-correos-es': 'correos',
  'correos-express': 'correos_express',
  postnord: 'postnord',
  'sweden-posten': 'postnord',
  dhl: 'dhl_express',
  usps: 'usps',
  ups: 'ups',
  fedex: 'fedex',
  dpd: 'dpd',
  amazon: 'amazon',
};

function aftershipStatus(tag?: string | null, subtag?: string | null): Mapped {
  return lookup('aftership', [aftershipMap.subtag, aftershipMap.tag], [subtag, tag]);
}

/**
 * An AfterShip webhook body (`{ msg: tracking }`) or an API answer (`{ data: { tracking } }`, or a
 * tracking object itself).
 */
export function normalizeAfterShip(body: unknown): CarrierUpdate | null {
  const b = body as { msg?: AfterShipTracking; data?: { tracking?: AfterShipTracking } } & AfterShipTracking;
  const t = b?.msg ?? b?.data?.tracking ?? b;
  if (!t?.tracking_number) return null;
  const events: CarrierEvent[] = [];
  for (const c of t.checkpoints ?? []) {
    const at = instant(c.checkpoint_time);
    if (!at) continue;
    events.push({
      occurredAt: at,
      ...aftershipStatus(c.tag, c.subtag),
      rawCode: c.raw_tag ?? c.subtag ?? c.tag ?? null,
      description: c.message ?? null,
      location: c.location ?? place(c.city, c.state, c.country_region ?? c.country_iso3),
      sourceId: null,
    });
  }
  const estimate =
    t.latest_estimated_delivery?.datetime_max ??
    t.latest_estimated_delivery?.datetime ??
    t.aftership_estimated_delivery_date?.estimated_delivery_date ??
    t.expected_delivery;
  return {
    carrier: t.slug ? (AFTERSHIP_SLUGS[t.slug] ?? t.slug) : null,
    trackingNumber: t.tracking_number,
    events,
    estimatedDelivery: dateOnly(estimate),
  };
}

export const MAP_VERSIONS = { easypost: easypostMap.version, aftership: aftershipMap.version };
