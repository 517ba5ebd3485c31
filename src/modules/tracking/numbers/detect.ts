import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Checker, type ChecksumSpec, checkerFor } from './checksums.ts';

/** definitions.json as scripts/import-tracking-number-data.ts writes it. */
interface FormatDefinition {
  id: string;
  name: string;
  regex: string;
  checksum: ChecksumSpec | null;
  serialFormat: { prependIf: { matchesRegex: string; content: string } } | null;
  trackingUrl: string | null;
  /** Regex group whose value must be a key of `issuers` (S10: the issuing post's country). */
  issuerGroup?: string;
  issuers?: Record<string, { country: string; post: string | null }>;
}
interface Definitions {
  source: string;
  postNames: Record<string, string>;
  couriers: { code: string; name: string; formats: FormatDefinition[] }[];
}

export interface DetectedCarrier {
  /** Upstream courier_code: 'ups', 'usps', 's10', ... */
  courier: string;
  name: string;
  /** Format id within the courier: 'ups', 'usps_impb_c', 's10', ... */
  format: string;
  trackingUrl: string | null;
  /** S10 only: ISO 3166 code of the country whose post issued the number. */
  country?: string;
  /** S10 only: that post, as customers know it (Correios, PostNord, Royal Mail). */
  post?: string;
}

export interface Detection {
  valid: boolean;
  /** Uppercase, whitespace and dashes removed. */
  number: string;
  carriers: DetectedCarrier[];
}

interface CompiledFormat {
  courier: string;
  courierName: string;
  def: FormatDefinition;
  re: RegExp;
  /** LaserShip's "…-1" suffix is part of its pattern: such formats are matched with the dashes kept. */
  keepsDashes: boolean;
  check: Checker | null;
  prepend: { re: RegExp; content: string } | null;
  specificity: number;
}

const CLASS = /\[(?:\\.|[^\]\\])*\]/g;
const BROAD_CLASSES = new Set(['[0-9]', '[A-Z]', '[0-9A-Z]', '[A-Z0-9]', '[^0-9A-Z]']);

/**
 * How much of a pattern is fixed, as a rough measure of how unlikely a chance match is: literal letters and
 * digits outside classes, quantifiers and group names ("1Z", "420", "TBA"), half for a narrowed class
 * ("[0-5]", "[AFC]"), plus one for a check digit and one for a table the number must be in. A number
 * that fits several formats lists the most specific first.
 */
function specificity(def: FormatDefinition): number {
  const literals = def.regex
    .replace(CLASS, '')
    .replace(/\\./g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\(\?<[A-Za-z0-9]+>|\(\?[:=!]/g, '')
    .replace(/[^A-Z0-9]/g, '').length;
  const narrowClasses = (def.regex.match(CLASS) ?? []).filter((c) => !BROAD_CLASSES.has(c)).length;
  return literals + narrowClasses / 2 + (def.checksum ? 1 : 0) + (def.issuers ? 1 : 0);
}

function compile(defs: Definitions): CompiledFormat[] {
  const all = defs.couriers.flatMap((c) =>
    c.formats.map((def) => ({
      courier: c.code,
      courierName: c.name,
      def,
      re: new RegExp(`^(?:${def.regex})$`),
      keepsDashes: def.regex.replace(CLASS, '').replace(/\\./g, '').includes('-'),
      check: def.checksum ? checkerFor(def.checksum) : null,
      prepend: def.serialFormat
        ? {
            re: new RegExp(def.serialFormat.prependIf.matchesRegex),
            content: def.serialFormat.prependIf.content,
          }
        : null,
      specificity: specificity(def),
    })),
  );
  // Stable: equal scores keep the definitions' order.
  return all.sort((a, b) => b.specificity - a.specificity);
}

// Shipped with the code: the upstream checkout it was generated from is not there in production.
const DEFINITIONS = JSON.parse(
  readFileSync(path.join(import.meta.dirname, 'definitions.json'), 'utf8'),
) as Definitions;
const FORMATS = compile(DEFINITIONS);

/** Longer than any known format with room to spare; refused before any regex runs. */
const MAX_LENGTH = 64;

function toCarrier(f: CompiledFormat, matched: string, country: string | undefined): DetectedCarrier {
  const url = f.def.trackingUrl;
  const carrier: DetectedCarrier = {
    courier: f.courier,
    name: f.courierName,
    format: f.def.id,
    trackingUrl: url ? url.replace('%s', encodeURIComponent(matched)) : null,
  };
  if (country !== undefined) {
    carrier.country = country;
    const post = DEFINITIONS.postNames[country] ?? f.def.issuers?.[country]?.post;
    if (post) carrier.post = post;
  }
  return carrier;
}

/** The format's verdict on one candidate: a carrier entry, or null when it does not fit or its check fails. */
function validate(f: CompiledFormat, candidate: string): DetectedCarrier | null {
  const m = f.re.exec(candidate);
  if (!m) return null;
  const groups = m.groups ?? {};
  let country: string | undefined;
  if (f.def.issuers && f.def.issuerGroup) {
    country = groups[f.def.issuerGroup];
    if (country === undefined || !Object.hasOwn(f.def.issuers, country)) return null;
  }
  if (f.check) {
    let serial = groups.SerialNumber;
    const checkDigit = groups.CheckDigit;
    if (serial === undefined || checkDigit === undefined) return null;
    if (f.prepend?.re.test(serial)) serial = f.prepend.content + serial;
    if (!f.check(serial, checkDigit)) return null;
  }
  return toCarrier(f, candidate, country);
}

function normalise(input: string): { number: string; withDashes: string } {
  const withDashes = input.toUpperCase().replace(/\s+/g, '');
  return { number: withDashes.replace(/[-\u2010-\u2015]/g, ''), withDashes };
}

/**
 * Every format (not only every courier) the number is valid in, most specific first. The upstream test
 * vectors are stated per format, so the tests hold this to them; callers want detectTrackingNumber.
 */
export function matchFormats(input: string): { number: string; matches: DetectedCarrier[] } {
  const { number, withDashes } = normalise(input);
  const matches: DetectedCarrier[] = [];
  if (number.length === 0 || withDashes.length > MAX_LENGTH) return { number, matches };
  for (const f of FORMATS) {
    const hit = validate(f, f.keepsDashes ? withDashes : number);
    if (hit) matches.push(hit);
  }
  return { number, matches };
}

/**
 * Which carriers a tracking number can belong to, offline: the number must fit a known format and pass
 * that format's check digit (and, for S10, name a UPU member post). Ambiguous numbers list several
 * carriers, most specific first, one entry per carrier.
 */
export function detectTrackingNumber(input: string): Detection {
  const { number, matches } = matchFormats(input);
  const seen = new Set<string>();
  const carriers = matches.filter((c) => !seen.has(c.courier) && seen.add(c.courier));
  return { valid: carriers.length > 0, number, carriers };
}

/** Where the definitions come from, for an About page or an API consumer who asks. */
export const TRACKING_NUMBER_DATA_SOURCE = DEFINITIONS.source;
