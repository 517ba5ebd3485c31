import type { FastifyRequest } from 'fastify';
import { type Locale, localeFromAcceptLanguage, matchLocale } from '../../../lib/i18n.ts';
import type { MerchantRow } from '../../merchants/index.ts';
import type { LookupProof } from './repo.ts';

/**
 * Reading the public lookup forms (/track and /returns) the same way: the language, the store, the fields
 * and the proof that the order is the shopper's.
 */

/** Before an order is known: ?lang, then the browser's Accept-Language, then the store's own language. */
export function pickLocale(request: FastifyRequest, merchant: MerchantRow | undefined): Locale {
  return (
    matchLocale((request.query as { lang?: string }).lang) ??
    localeFromAcceptLanguage(request.headers['accept-language']) ??
    matchLocale(merchant?.locale) ??
    'en'
  );
}

/** A form or JSON field as trimmed text; anything else reads as empty. */
export function field(body: unknown, name: string): string {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v.trim() : '';
}

/** The store named by ?shop or a `shop` form field (multi-store installs). */
export function shopOf(request: FastifyRequest): string | undefined {
  return (request.query as { shop?: string }).shop ?? (field(request.body, 'shop') || undefined);
}

/** One field takes either: an '@' makes it an email, anything else is a postal code. JSON may name them. */
export function proofOf(body: unknown): LookupProof | null {
  const email = field(body, 'email');
  const postalCode = field(body, 'postalCode');
  const either = field(body, 'proof');
  if (email) return email.length <= 320 ? { email } : null;
  if (postalCode) return postalCode.length <= 20 ? { postalCode } : null;
  if (!either) return null;
  if (either.includes('@')) return either.length <= 320 ? { email: either } : null;
  return either.length <= 20 ? { postalCode: either } : null;
}
