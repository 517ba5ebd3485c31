/**
 * A lane is where a parcel goes and who carries it: 'BR-SP>BR-RJ:correios' (origin region > destination
 * region : carrier). Shipments store it at delivery, and learned transit times are looked up by it. When
 * a lane has few deliveries we widen it step by step (widerLanes below) before falling back to rules.
 */
export interface Place {
  country: string;
  regionCode?: string | null;
  postalCode?: string | null;
}

export interface LaneParts {
  /** 'BR-SP', or 'BR' when the region is unknown. */
  origin: string;
  destination: string;
  /** Carrier slug; null matches any carrier (a promise asked for before the carrier is chosen). */
  carrier: string | null;
}

/** Carriers are matched by slug: 'Correios', ' correios ' and 'CORREIOS' are one lane. */
export function carrierSlug(carrier: string | null | undefined): string | null {
  const slug = carrier
    ?.trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return slug ? slug : null;
}

/** 'BR-SP' from {country: 'br', regionCode: 'SP'} or {regionCode: 'BR-SP'}; 'BR' without a region. */
export function placeCode(place: Place): string {
  const country = place.country.trim().toUpperCase();
  let region = place.regionCode?.trim().toUpperCase() ?? '';
  if (region.startsWith(`${country}-`)) region = region.slice(country.length + 1);
  return region ? `${country}-${region}` : country;
}

export function laneParts(origin: Place, destination: Place, carrier?: string | null): LaneParts {
  return { origin: placeCode(origin), destination: placeCode(destination), carrier: carrierSlug(carrier) };
}

export function laneKey(parts: LaneParts): string {
  return `${parts.origin}>${parts.destination}:${parts.carrier ?? '*'}`;
}

/** The lane string stored on a shipment: laneFor({country:'BR',regionCode:'SP'}, {...'RJ'}, 'Correios'). */
export function laneFor(origin: Place, destination: Place, carrier?: string | null): string {
  return laneKey(laneParts(origin, destination, carrier));
}

export function parseLane(lane: string): LaneParts | null {
  const m = /^([A-Z]{2}(?:-[A-Z0-9]+)?)>([A-Z]{2}(?:-[A-Z0-9]+)?):(.+)$/.exec(lane);
  if (!m) return null;
  return { origin: m[1]!, destination: m[2]!, carrier: m[3] === '*' ? null : m[3]! };
}

const countryOf = (code: string) => code.slice(0, 2);

export function isInternational(parts: LaneParts): boolean {
  return countryOf(parts.origin) !== countryOf(parts.destination);
}

/**
 * The lanes to learn from, narrowest first, without repeats: the lane itself, then any origin in the
 * country to this destination region (marketplaces ship from many regions), then this origin to anywhere
 * in the destination country, then country to country. The carrier stays fixed: carriers differ more
 * than regions do; rules take over when the carrier has too little history.
 */
export function widerLanes(parts: LaneParts): LaneParts[] {
  const out: LaneParts[] = [];
  const seen = new Set<string>();
  for (const [origin, destination] of [
    [parts.origin, parts.destination],
    [countryOf(parts.origin), parts.destination],
    [parts.origin, countryOf(parts.destination)],
    [countryOf(parts.origin), countryOf(parts.destination)],
  ] as const) {
    const candidate = { origin, destination, carrier: parts.carrier };
    const key = laneKey(candidate);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(candidate);
    }
  }
  return out;
}
