import type { PostalAddress } from '../../db/schema.ts';
import { UnprocessableError } from '../../lib/errors.ts';
import {
  type BusinessCalendar,
  calendarFor,
  isKnownCountry,
  normalizeRegion,
  regionsOf,
} from './calendar.ts';
import { type LaneParts, laneKey, laneParts, type Place, parseLane } from './lane.ts';
import { carrierDeliveryDays } from './rules.ts';
import type { ShippingSettings } from './settings.ts';

/** A stored postal address as a place, when it names a country. */
export function placeFromAddress(address: PostalAddress | null | undefined): Place | null {
  const country = address?.country?.trim().toUpperCase();
  if (!country) return null;
  return { country, regionCode: address?.regionCode ?? null, postalCode: address?.postalCode ?? null };
}

/** Where a merchant's parcels leave from: the shipping settings' origin, else its postal address. */
export function merchantOrigin(
  merchant: { postal_address: PostalAddress | null },
  settings: ShippingSettings,
): Place | null {
  return settings.origin ? { ...settings.origin } : placeFromAddress(merchant.postal_address);
}

/**
 * Refuses a place we cannot build a calendar for, with a code a client can act on. A region is checked
 * only in countries whose regions have holidays of their own (BR states, US states, ES communities);
 * elsewhere (SE) any region code is accepted and national holidays apply.
 */
export function checkPlace(place: Place, role: 'origin' | 'destination'): Place {
  const country = place.country.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country) || !isKnownCountry(country)) {
    throw new UnprocessableError(
      'unknown_country',
      `The ${role} country "${place.country}" is not one we know; use an ISO 3166-1 alpha-2 code such as BR, SE, ES or US.`,
      { field: `${role}.country`, value: place.country },
    );
  }
  const regions = regionsOf(country);
  if (place.regionCode && regions.size > 0 && !normalizeRegion(country, place.regionCode)) {
    throw new UnprocessableError(
      'unknown_region',
      `The ${role} region "${place.regionCode}" is not a region of ${country}; use its ISO 3166-2 code such as ${[...regions][0]}.`,
      { field: `${role}.regionCode`, value: place.regionCode, country },
    );
  }
  return { ...place, country };
}

/**
 * A shipment's lane: the one stored on it (set at delivery), else the merchant's origin to the order's
 * address with its carrier. Null when either end is unknown.
 */
export function shipmentLane(opts: {
  origin: Place | null;
  destination: Place | null;
  carrier: string | null;
  lane: string | null;
}): { parts: LaneParts | null; lane: string | null } {
  const { origin, destination } = opts;
  const parts =
    (opts.lane ? parseLane(opts.lane) : null) ??
    (origin && destination ? laneParts(origin, destination, opts.carrier) : null);
  return { parts, lane: opts.lane ?? (parts ? laneKey(parts) : null) };
}

/**
 * The destination's holidays on the carrier's delivery days, built once per place and carrier in a batch;
 * null for a country we have no calendar for.
 */
export function deliveryCalendar(
  cache: Map<string, BusinessCalendar | null>,
  destination: Place | null,
  carrier: string | null,
  settings: ShippingSettings,
): BusinessCalendar | null {
  if (!destination) return null;
  const key = `${destination.country}|${destination.regionCode ?? ''}|${carrier ?? ''}`;
  let calendar = cache.get(key);
  if (calendar === undefined) {
    calendar = isKnownCountry(destination.country)
      ? calendarFor({
          ...destination,
          weekdays: carrierDeliveryDays(carrier, settings.carrierDeliveryDays),
        })
      : null;
    cache.set(key, calendar);
  }
  return calendar;
}
