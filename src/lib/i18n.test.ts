import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  isSupportedLocale,
  isTimeZone,
  localeFromAcceptLanguage,
  matchLocale,
  SUPPORTED_LOCALES,
} from './i18n.ts';

describe('matchLocale', () => {
  test('exact supported locales, in any case and with underscores', () => {
    assert.equal(matchLocale('pt-BR'), 'pt-BR');
    assert.equal(matchLocale('pt_BR'), 'pt-BR');
    assert.equal(matchLocale('PT-br'), 'pt-BR');
    assert.equal(matchLocale('en'), 'en');
    assert.equal(matchLocale(' sv '), 'sv');
    assert.equal(matchLocale('ES'), 'es');
  });

  test('regional variants fall back to the language we ship', () => {
    assert.equal(matchLocale('pt-PT'), 'pt-BR');
    assert.equal(matchLocale('pt'), 'pt-BR');
    assert.equal(matchLocale('sv-SE'), 'sv');
    assert.equal(matchLocale('sv_FI'), 'sv');
    assert.equal(matchLocale('en-GB'), 'en');
    assert.equal(matchLocale('en_US'), 'en');
    assert.equal(matchLocale('es-419'), 'es');
    assert.equal(matchLocale('es-MX'), 'es');
  });

  test('unknown, empty or missing input gives undefined', () => {
    for (const v of ['fr', 'de-DE', 'zh-Hant-TW', '', '   ', '*', null, undefined]) {
      assert.equal(matchLocale(v), undefined, String(v));
    }
  });

  test('a language tag that happens to be an Object.prototype key is not a locale', () => {
    assert.equal(matchLocale('constructor'), undefined);
    assert.equal(matchLocale('constructor-BR'), undefined);
    assert.equal(localeFromAcceptLanguage('constructor, en;q=0.5'), 'en');
  });

  test('every result is a supported locale', () => {
    for (const v of ['pt_BR', 'pt-PT', 'sv-SE', 'en-GB', 'es-419', 'EN', 'fr']) {
      const m = matchLocale(v);
      if (m !== undefined) assert.ok(isSupportedLocale(m), `${v} -> ${m}`);
    }
    assert.deepEqual([...SUPPORTED_LOCALES], ['en', 'pt-BR', 'es', 'sv']);
  });
});

describe('localeFromAcceptLanguage', () => {
  test('honours q-values over header order', () => {
    assert.equal(localeFromAcceptLanguage('sv;q=0.5, pt-BR;q=0.9, en;q=0.1'), 'pt-BR');
    assert.equal(localeFromAcceptLanguage('en;q=0.2, es'), 'es');
  });

  test('skips languages we do not ship, in order of preference', () => {
    assert.equal(localeFromAcceptLanguage('fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5'), 'en');
    assert.equal(localeFromAcceptLanguage('de-DE,de;q=0.9,sv;q=0.8,en;q=0.7'), 'sv');
  });

  test('q=0 means "not acceptable"', () => {
    assert.equal(localeFromAcceptLanguage('en;q=0, es;q=0.1'), 'es');
    assert.equal(localeFromAcceptLanguage('en;q=0'), undefined);
  });

  test('equal q-values keep header order', () => {
    assert.equal(localeFromAcceptLanguage('sv;q=0.5, en;q=0.5'), 'sv');
    assert.equal(localeFromAcceptLanguage('es, pt'), 'es');
  });

  test('a typical browser header', () => {
    assert.equal(localeFromAcceptLanguage('pt-BR,pt;q=0.9,en-US;q=0.8,en;q=0.7'), 'pt-BR');
    assert.equal(localeFromAcceptLanguage('sv-SE,sv;q=0.9'), 'sv');
  });

  test('nothing usable gives undefined', () => {
    for (const h of [undefined, '', '*', 'fr, de', ' , ;q=1'])
      assert.equal(localeFromAcceptLanguage(h), undefined);
  });
});

describe('isTimeZone', () => {
  test('accepts IANA zones', () => {
    for (const z of ['America/Sao_Paulo', 'Europe/Stockholm', 'Europe/Madrid', 'America/New_York', 'UTC']) {
      assert.equal(isTimeZone(z), true, z);
    }
  });

  test('refuses anything else', () => {
    for (const z of ['', 'Mars/Olympus_Mons', 'Europe/Atlantis', 'GMT+25', 'not a zone']) {
      assert.equal(isTimeZone(z), false, z);
    }
  });
});
