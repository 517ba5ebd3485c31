import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Locale, SUPPORTED_LOCALES } from '../../lib/i18n.ts';

const LOCALES_DIR = path.resolve(import.meta.dirname, '../../locales');

type Catalogue = Record<string, unknown>;
const catalogues = new Map<string, Catalogue>();

function catalogue(locale: string): Catalogue {
  let c = catalogues.get(locale);
  if (!c) {
    c = JSON.parse(readFileSync(path.join(LOCALES_DIR, `${locale}.json`), 'utf8')) as Catalogue;
    catalogues.set(locale, c);
  }
  return c;
}

function lookup(c: Catalogue, key: string): string | undefined {
  let node: unknown = c;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/**
 * The text for `key` in `locale` (falling back to English, then to the key itself, so a missing string is
 * visible rather than blank), with `{name}` placeholders filled from `vars`.
 */
export function translate(locale: string, key: string, vars: Record<string, unknown> = {}): string {
  const text = lookup(catalogue(locale), key) ?? lookup(catalogue('en'), key) ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name: string) =>
    Object.hasOwn(vars, name) ? String(vars[name] ?? '') : m,
  );
}

/** Keys present in English but missing in another locale (for tests: every locale must be complete). */
export function missingKeys(locale: Locale): string[] {
  const walk = (node: unknown, prefix: string): string[] =>
    node && typeof node === 'object'
      ? Object.entries(node).flatMap(([k, v]) => walk(v, prefix ? `${prefix}.${k}` : k))
      : [prefix];
  return walk(catalogue('en'), '').filter((k) => lookup(catalogue(locale), k) === undefined);
}

export const LOCALES = SUPPORTED_LOCALES;
