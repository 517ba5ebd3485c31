import { DateTime } from 'luxon';
import { isSubStatus, isTrackingStatus, type TrackingStatus } from '../statuses.ts';
import type { CarrierEvent, CarrierUpdate } from '../types.ts';
import australiapostMap from './maps/carriers/australiapost.json' with { type: 'json' };
import bpostMap from './maps/carriers/bpost.json' with { type: 'json' };
import canadapostMap from './maps/carriers/canadapost.json' with { type: 'json' };
import chronopostMap from './maps/carriers/chronopost.json' with { type: 'json' };
import dhlExpressMap from './maps/carriers/dhl_express.json' with { type: 'json' };
import dhlParcelDeMap from './maps/carriers/dhl_parcel_de.json' with { type: 'json' };
import dhlUniversalMap from './maps/carriers/dhl_universal.json' with { type: 'json' };
import dpdMap from './maps/carriers/dpd.json' with { type: 'json' };
import fedexMap from './maps/carriers/fedex.json' with { type: 'json' };
import glsMap from './maps/carriers/gls.json' with { type: 'json' };
import hermesMap from './maps/carriers/hermes.json' with { type: 'json' };
import laposteMap from './maps/carriers/laposte.json' with { type: 'json' };
import sekoMap from './maps/carriers/seko.json' with { type: 'json' };
import sendleMap from './maps/carriers/sendle.json' with { type: 'json' };
import upsMap from './maps/carriers/ups.json' with { type: 'json' };
import uspsMap from './maps/carriers/usps.json' with { type: 'json' };
import karrioMap from './maps/karrio.json' with { type: 'json' };
import { UNMAPPED } from './normalize.ts';

/**
 * karrio (karrioapi/karrio) as a merchant's carrier gateway: its normalised TrackingDetails, the object a
 * karrio tracker holds and pushes in its `tracker.updated` webhooks. Each event keeps the carrier's own code,
 * so the carrier's map in maps/carriers/ is asked first; karrio's own per-event status (maps/karrio.json) is
 * the fallback, because karrio's per-carrier mappings are thin (many events carry no status at all, and some
 * connectors stamp the tracker's status on every event).
 */

export interface KarrioTrackingEvent {
  date?: string | null;
  time?: string | null;
  timestamp?: string | null;
  code?: string | null;
  description?: string | null;
  location?: string | null;
  status?: string | null;
  reason?: string | null;
  latitude?: number | null;
  longitude?: number | null;
}

export interface KarrioTrackingDetails {
  carrier_id?: string | null;
  carrier_name?: string | null;
  tracking_number: string;
  delivered?: boolean | null;
  status?: string | null;
  estimated_delivery?: string | null;
  events?: KarrioTrackingEvent[] | null;
  info?: Record<string, unknown> | null;
  meta?: Record<string, unknown> | null;
}

export interface MappedStatus {
  status: TrackingStatus;
  subStatus: string | null;
}

/** A CarrierUpdate plus what karrio said about the whole shipment, and the codes no map knew. */
export interface KarrioUpdate extends CarrierUpdate {
  /** The tracker-level status (`status`, or `delivered` when karrio gave no status), in our words. */
  shipmentStatus: MappedStatus | null;
  /** `karrio:<carrier>:<code or status>` for each event that fell through to in_transit. */
  unmapped: string[];
}

export interface MapEntry {
  status: string;
  subStatus: string | null;
  meaning?: string;
}

export interface CarrierMapFile {
  version: number;
  provider: string;
  carrier: string;
  aliases?: string[];
  note: string;
  source: string;
  codes: Record<string, MapEntry>;
  /** For carriers whose events have no code: description prefixes (case-insensitive, longest wins). */
  descriptions?: Record<string, MapEntry>;
}

export const CARRIER_MAPS: readonly CarrierMapFile[] = [
  australiapostMap,
  bpostMap,
  canadapostMap,
  chronopostMap,
  dhlExpressMap,
  dhlParcelDeMap,
  dhlUniversalMap,
  dpdMap,
  fedexMap,
  glsMap,
  hermesMap,
  laposteMap,
  sekoMap,
  sendleMap,
  upsMap,
  uspsMap,
] as CarrierMapFile[];

const BY_CARRIER = new Map<string, CarrierMapFile>();
for (const m of CARRIER_MAPS) {
  for (const name of [m.carrier, ...(m.aliases ?? [])]) BY_CARRIER.set(name, m);
}

export function carrierMap(carrierName: string | null | undefined): CarrierMapFile | null {
  return carrierName ? (BY_CARRIER.get(carrierName) ?? null) : null;
}

/** karrio carrier names that are another name for one of our carrier slugs. */
const CARRIER_SLUGS: Record<string, string> = {
  mydhl: 'dhl_express',
  usps_international: 'usps',
};

const KARRIO_STATUS = karrioMap.status as Record<string, MapEntry>;
const KARRIO_REASON = karrioMap.reason as Record<string, MapEntry>;

function canonical(entry: MapEntry | undefined): MappedStatus | null {
  if (!entry || !isTrackingStatus(entry.status)) return null;
  const sub = entry.subStatus && isSubStatus(entry.status, entry.subStatus) ? entry.subStatus : null;
  return { status: entry.status, subStatus: sub };
}

function byDescription(map: CarrierMapFile, description: string | null | undefined): MapEntry | undefined {
  if (!map.descriptions || !description) return undefined;
  const text = description.trim().toLowerCase();
  let best: [string, MapEntry] | undefined;
  for (const [prefix, entry] of Object.entries(map.descriptions)) {
    const p = prefix.toLowerCase();
    if (text.startsWith(p) && (!best || p.length > best[0].length)) best = [p, entry];
  }
  return best?.[1];
}

/** karrio's own words for one event: its incident reason first, then its status. */
export function karrioStatus(status?: string | null, reason?: string | null): MappedStatus | null {
  return (
    (reason ? canonical(KARRIO_REASON[reason]) : null) ?? (status ? canonical(KARRIO_STATUS[status]) : null)
  );
}

/**
 * One event's canonical status: the carrier's map by the event's code (or, for carriers without codes, its
 * description), else karrio's event status and reason, else null.
 */
export function mapKarrioEvent(carrierName: string | null | undefined, e: KarrioTrackingEvent) {
  const map = carrierMap(carrierName);
  if (map) {
    const hit =
      canonical(e.code ? map.codes[e.code] : undefined) ?? canonical(byDescription(map, e.description));
    if (hit) return hit;
  }
  return karrioStatus(e.status, e.reason);
}

const clean = (s: string | null | undefined) => {
  const t = s?.replace(/\s+/g, ' ').trim();
  return t ? t : null;
};

/**
 * karrio formats times as '%H:%M %p' ('14:30 PM', '00:00 AM'), some connectors as plain 'HH:MM'. The hour is
 * read as 24-hour; a PM hour below 12 or '12:xx AM' can only be 12-hour text and is converted.
 */
function clock(time: string | null | undefined): { hour: number; minute: number; second: number } | null {
  if (!time) return { hour: 0, minute: 0, second: 0 };
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$/.exec(time.trim());
  if (!m) return null;
  let hour = Number(m[1]);
  const suffix = m[4]?.toUpperCase();
  if (suffix === 'PM' && hour < 12) hour += 12;
  if (suffix === 'AM' && hour === 12) hour = 0;
  return { hour, minute: Number(m[2]), second: Number(m[3] ?? 0) };
}

/** The event's instant: its ISO timestamp when karrio gives one (read as UTC without an offset), else date+time in UTC. */
export function karrioEventTime(e: KarrioTrackingEvent): Date | null {
  if (e.timestamp) {
    const dt = DateTime.fromISO(e.timestamp, { setZone: true, zone: 'utc' });
    if (dt.isValid) return dt.toJSDate();
  }
  if (!e.date) return null;
  const day = DateTime.fromISO(e.date.slice(0, 10), { zone: 'utc' });
  const t = clock(e.time);
  if (!day.isValid || !t) return null;
  return day.set({ ...t, millisecond: 0 }).toJSDate();
}

const dateOnly = (value: string | null | undefined) =>
  value && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null;

/** karrio's TrackingDetails (one element of the details list karrio's tracking parsers return) to our update. */
export function normalizeKarrioTracking(details: KarrioTrackingDetails): KarrioUpdate {
  const carrierName = details.carrier_name ?? null;
  const unmapped: string[] = [];
  const events: CarrierEvent[] = [];
  for (const e of details.events ?? []) {
    const at = karrioEventTime(e);
    if (!at) continue;
    let mapped = mapKarrioEvent(carrierName, e);
    if (!mapped) {
      const key = `karrio:${carrierName ?? '?'}:${e.code ?? e.status ?? clean(e.description) ?? '?'}`;
      unmapped.push(key);
      UNMAPPED.add(key);
      // An unknown code still means the carrier is handling the parcel.
      mapped = { status: 'in_transit', subStatus: null };
    }
    events.push({
      occurredAt: at,
      ...mapped,
      rawCode: e.code ?? e.status ?? null,
      description: clean(e.description),
      location: clean(e.location),
      sourceId: null,
    });
  }
  // karrio lists events newest first for most carriers but not all (and not always consistently): oldest first here.
  const ordered = events
    .map((e, i) => [e, i] as const)
    .sort(([a, i], [b, j]) => a.occurredAt.getTime() - b.occurredAt.getTime() || j - i)
    .map(([e]) => e);
  const shipmentStatus =
    karrioStatus(details.status) ??
    (details.delivered === true ? { status: 'delivered' as const, subStatus: null } : null);
  return {
    carrier: carrierName ? (CARRIER_SLUGS[carrierName] ?? carrierName) : null,
    trackingNumber: details.tracking_number,
    events: ordered,
    estimatedDelivery: dateOnly(details.estimated_delivery),
    shipmentStatus,
    unmapped,
  };
}

export const KARRIO_MAP_VERSIONS = {
  karrio: karrioMap.version,
  ...Object.fromEntries(CARRIER_MAPS.map((m) => [m.carrier, m.version])),
};
