import { ValidationError } from './errors.ts';

/** Money is always an integer number of minor units (cents, öre, centavos) plus an ISO 4217 currency. */
export interface Money {
  amount: number;
  currency: string;
}

const exponentCache = new Map<string, number>();
const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** Digits after the decimal point for a currency (2 for BRL, 0 for JPY, 3 for KWD). */
export function currencyExponent(currency: string): number {
  let exp = exponentCache.get(currency);
  if (exp === undefined) {
    try {
      exp =
        new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
          .maximumFractionDigits ?? 2;
    } catch {
      throw new ValidationError(
        `"${currency}" is not an ISO 4217 currency code.`,
        { currency },
        'invalid_currency',
      );
    }
    exponentCache.set(currency, exp);
  }
  return exp;
}

export function isCurrency(code: string): boolean {
  return KNOWN_CURRENCIES.has(code);
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal amount as the commerce platforms send it ("199.00", "3.5", 12) into minor units
 * without going through floating point, so "0.29" is 29 and never 28.999.
 */
export function toMinor(value: string | number, currency: string): number {
  const text = typeof value === 'number' ? numberToPlainString(value) : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) throw new ValidationError(`"${value}" is not a decimal amount.`, { value }, 'invalid_amount');
  const [, sign, whole, fraction = ''] = match;
  const exp = currencyExponent(currency);
  const padded = (fraction + '0'.repeat(exp + 1)).slice(0, exp + 1);
  // Round half away from zero on the first dropped digit.
  let minor = Number(whole) * 10 ** exp + Number(padded.slice(0, exp) || '0');
  if (Number(padded[exp]) >= 5) minor += 1;
  if (!Number.isSafeInteger(minor))
    throw new ValidationError(`"${value}" is too large.`, { value }, 'invalid_amount');
  return sign && minor !== 0 ? -minor : minor;
}

function numberToPlainString(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
}

/** The decimal string of an amount, as commerce APIs expect it ("199.00"). */
export function fromMinor(amount: number, currency: string): string {
  const exp = currencyExponent(currency);
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  if (exp === 0) return `${sign}${abs}`;
  const s = String(abs).padStart(exp + 1, '0');
  return `${sign}${s.slice(0, -exp)}.${s.slice(-exp)}`;
}

const formatters = new Map<string, Intl.NumberFormat>();

/** Formats for a reader: R$ 1.234,56 in pt-BR, 1 234,56 kr in sv, 1234,56 € in es. */
export function formatMoney(amount: number, currency: string, locale: string): string {
  const key = `${locale}|${currency}`;
  let fmt = formatters.get(key);
  if (!fmt) {
    fmt = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatters.set(key, fmt);
  }
  return fmt.format(amount / 10 ** currencyExponent(currency));
}
