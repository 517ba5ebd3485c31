/**
 * The check-digit algorithms tracking_number_data names (its CHECKSUM_ALGORITHMS.md, after the Ruby gem).
 * Each takes the serial (the digits the check digit covers) and the printed check digit, and says whether
 * they agree. Pure and allocation-light: they run for every candidate format of every lookup.
 */

const CODE_0 = 48;
const CODE_A = 65;

function isDigit(code: number): boolean {
  return code >= CODE_0 && code <= CODE_0 + 9;
}

export interface Mod10Params {
  evens_multiplier?: number;
  odds_multiplier?: number;
  reverse?: boolean;
}

/**
 * Weighted sum mod 10 (UPS, USPS, FedEx Ground, Canada Post, OnTrac). Positions count from 0, from the right
 * when `reverse`. A letter counts as (char code - 3) mod 10, which is how UPS folds its alphanumeric serials.
 */
export function mod10(serial: string, checkDigit: string, p: Mod10Params = {}): boolean {
  let total = 0;
  const n = serial.length;
  for (let i = 0; i < n; i++) {
    const code = serial.charCodeAt(p.reverse ? n - 1 - i : i);
    let x = isDigit(code) ? code - CODE_0 : (code - 3) % 10;
    if (p.odds_multiplier && i % 2 === 1) x *= p.odds_multiplier;
    else if (p.evens_multiplier && i % 2 === 0) x *= p.evens_multiplier;
    total += x;
  }
  const check = (10 - (total % 10)) % 10;
  return String(check) === checkDigit;
}

/** The serial as an integer mod 7 (DHL Express). Digit by digit: serials pass 2^53 in other formats. */
export function mod7(serial: string, checkDigit: string): boolean {
  let rest = 0;
  for (let i = 0; i < serial.length; i++) {
    const code = serial.charCodeAt(i);
    if (!isDigit(code)) return false;
    rest = (rest * 10 + code - CODE_0) % 7;
  }
  return String(rest) === checkDigit;
}

export const S10_WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7] as const;

/** UPU S10: 11 - (weighted sum mod 11), where 10 becomes 0 and 11 becomes 5. */
export function s10(serial: string, checkDigit: string, weights: readonly number[] = S10_WEIGHTS): boolean {
  if (serial.length !== weights.length) return false;
  let total = 0;
  for (let i = 0; i < serial.length; i++) {
    const code = serial.charCodeAt(i);
    if (!isDigit(code)) return false;
    total += (code - CODE_0) * weights[i]!;
  }
  let check = 11 - (total % 11);
  if (check === 10) check = 0;
  else if (check === 11) check = 5;
  return String(check) === checkDigit;
}

/**
 * Luhn (Old Dominion, Purolator): doubling every second digit from the one beside the check digit.
 * Upstream's reference leaves it undefined; this is the standard algorithm, and every test vector agrees.
 */
export function luhn(serial: string, checkDigit: string): boolean {
  let total = 0;
  for (let i = serial.length - 1, double = true; i >= 0; i--, double = !double) {
    const code = serial.charCodeAt(i);
    if (!isDigit(code)) return false;
    let d = code - CODE_0;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    total += d;
  }
  return String((10 - (total % 10)) % 10) === checkDigit;
}

/** ISO 7064 MOD 37,36 as DPD's label specification gives it; the check character may be a letter. */
export function mod37_36(serial: string, checkDigit: string): boolean {
  const mod = 36;
  let cd = mod;
  for (let i = 0; i < serial.length; i++) {
    const code = serial.charCodeAt(i);
    const val = isDigit(code) ? code - CODE_0 : code - CODE_A + 10;
    if (val < 0 || val >= mod) return false;
    cd += val;
    if (cd > mod) cd -= mod;
    cd *= 2;
    if (cd > mod) cd -= mod + 1;
  }
  cd = mod + 1 - cd;
  if (cd === mod) cd = 0;
  const computed = cd < 10 ? String(cd) : String.fromCharCode(CODE_A + cd - 10);
  return computed === checkDigit;
}

export interface WeightedParams {
  weightings: readonly number[];
  modulo1: number;
  modulo2: number;
}

/** Weighted digit sum, mod modulo1, mod modulo2 (FedEx Express 12/34, ASTRA, Ground GSN). */
export function sumProductWithWeightingsAndModulo(
  serial: string,
  checkDigit: string,
  p: WeightedParams,
): boolean {
  let total = 0;
  for (let i = 0; i < serial.length; i++) {
    const code = serial.charCodeAt(i);
    if (!isDigit(code)) return false;
    // Upstream zips the serial with the weights: a serial longer than them cannot be checked.
    const w = p.weightings[i];
    if (w === undefined) return false;
    total += (code - CODE_0) * w;
  }
  return String((total % p.modulo1) % p.modulo2) === checkDigit;
}

export type ChecksumSpec =
  | ({ name: 'mod10' } & Mod10Params)
  | { name: 'mod7' }
  | { name: 's10'; weightings?: readonly number[] }
  | { name: 'luhn' }
  | { name: 'mod_37_36' }
  | ({ name: 'sum_product_with_weightings_and_modulo' } & WeightedParams);

export type Checker = (serial: string, checkDigit: string) => boolean;

/** Binds a spec from the definitions to its algorithm once, so matching does no lookups per number. */
export function checkerFor(spec: ChecksumSpec): Checker {
  switch (spec.name) {
    case 'mod10':
      return (s, c) => mod10(s, c, spec);
    case 'mod7':
      return mod7;
    case 's10': {
      const weights = spec.weightings ?? S10_WEIGHTS;
      return (s, c) => s10(s, c, weights);
    }
    case 'luhn':
      return luhn;
    case 'mod_37_36':
      return mod37_36;
    case 'sum_product_with_weightings_and_modulo':
      return (s, c) => sumProductWithWeightingsAndModulo(s, c, spec);
    default:
      throw new Error(`unknown checksum ${(spec as { name: string }).name}`);
  }
}
