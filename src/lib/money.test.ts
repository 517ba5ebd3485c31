import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError, ValidationError } from './errors.ts';
import { currencyExponent, formatMoney, fromMinor, isCurrency, toMinor } from './money.ts';

/** Intl separates groups and symbols with no-break spaces; compare with plain ones. */
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

function assertInvalidAmount(value: string | number, currency = 'USD') {
  assert.throws(
    () => toMinor(value, currency),
    (err: unknown) => {
      assert.ok(err instanceof ValidationError, `expected a ValidationError for ${String(value)}`);
      assert.equal(err.code, 'invalid_amount');
      assert.equal(err.status, 400);
      return true;
    },
  );
}

describe('toMinor', () => {
  test('decimal strings become exact minor units, never float artefacts', () => {
    // Each of these is off by one when computed as Math.floor(parseFloat(x) * 100).
    assert.equal(toMinor('0.29', 'USD'), 29);
    assert.equal(toMinor('1.15', 'USD'), 115);
    assert.equal(toMinor('4.35', 'BRL'), 435);
    assert.equal(toMinor('199.00', 'USD'), 19900);
    assert.equal(toMinor('199', 'BRL'), 19900);
    assert.equal(toMinor('3.5', 'SEK'), 350);
    assert.equal(toMinor('0', 'EUR'), 0);
    assert.equal(toMinor('007.50', 'EUR'), 750);
    assert.equal(toMinor('  12.34 ', 'EUR'), 1234);
  });

  test('the largest safe amount is exact; one more is refused', () => {
    assert.equal(toMinor('90071992547409.91', 'USD'), Number.MAX_SAFE_INTEGER);
    assertInvalidAmount('90071992547409.92');
    assertInvalidAmount('99999999999999999999');
  });

  test('numbers from JSON payloads read as their decimal text', () => {
    assert.equal(toMinor(0.29, 'USD'), 29);
    assert.equal(toMinor(19.99, 'USD'), 1999);
    assert.equal(toMinor(12, 'USD'), 1200);
    assert.equal(toMinor(1.005, 'USD'), 101);
    assert.equal(toMinor(-4.35, 'USD'), -435);
  });

  test('uses the currency exponent: JPY has none, KWD has three', () => {
    assert.equal(toMinor('500', 'JPY'), 500);
    assert.equal(toMinor('1500', 'JPY'), 1500);
    assert.equal(toMinor('1.234', 'KWD'), 1234);
    assert.equal(toMinor('1.5', 'KWD'), 1500);
    assert.equal(toMinor('0.001', 'KWD'), 1);
  });

  test('rounds half away from zero on the first dropped digit', () => {
    assert.equal(toMinor('0.005', 'USD'), 1);
    assert.equal(toMinor('0.004', 'USD'), 0);
    assert.equal(toMinor('0.015', 'USD'), 2);
    assert.equal(toMinor('0.0149', 'USD'), 1);
    assert.equal(toMinor('0.995', 'USD'), 100);
    assert.equal(toMinor('9.995', 'USD'), 1000);
    assert.equal(toMinor('1.5', 'JPY'), 2);
    assert.equal(toMinor('1.49', 'JPY'), 1);
    assert.equal(toMinor('1.2345', 'KWD'), 1235);
    assert.equal(toMinor('1.2344', 'KWD'), 1234);
    assert.equal(toMinor('-0.005', 'USD'), -1);
    assert.equal(toMinor('-2.5', 'JPY'), -3);
    assert.equal(toMinor('-1.235', 'USD'), -124);
  });

  test('negative amounts (refunds, adjustments) keep their sign', () => {
    assert.equal(toMinor('-10.50', 'EUR'), -1050);
    assert.equal(toMinor('-0.29', 'USD'), -29);
    assert.equal(toMinor('-500', 'JPY'), -500);
  });

  test('anything that is not a plain decimal is refused with invalid_amount', () => {
    for (const junk of [
      '',
      'abc',
      '1,00',
      '1.000,00',
      '1.2.3',
      '1e3',
      '$5',
      '5 USD',
      '+1',
      '--1',
      'NaN',
      '0x10',
    ]) {
      assertInvalidAmount(junk);
    }
    assertInvalidAmount(Number.NaN);
    assertInvalidAmount(Number.POSITIVE_INFINITY);
    assertInvalidAmount(1e21);
  });
});

describe('fromMinor', () => {
  test('gives the decimal string commerce APIs expect', () => {
    assert.equal(fromMinor(19900, 'USD'), '199.00');
    assert.equal(fromMinor(29, 'USD'), '0.29');
    assert.equal(fromMinor(5, 'BRL'), '0.05');
    assert.equal(fromMinor(0, 'EUR'), '0.00');
    assert.equal(fromMinor(-5, 'USD'), '-0.05');
    assert.equal(fromMinor(-123456, 'SEK'), '-1234.56');
    assert.equal(fromMinor(500, 'JPY'), '500');
    assert.equal(fromMinor(-500, 'JPY'), '-500');
    assert.equal(fromMinor(1234, 'KWD'), '1.234');
    assert.equal(fromMinor(7, 'KWD'), '0.007');
  });

  test('round-trips with toMinor', () => {
    for (const currency of ['USD', 'JPY', 'KWD', 'BRL']) {
      for (const amount of [0, 1, 9, 10, 99, 100, 101, 12345, -1, -99, -12345, 9_007_199_254_740_991]) {
        assert.equal(toMinor(fromMinor(amount, currency), currency), amount, `${amount} ${currency}`);
      }
    }
  });
});

describe('formatMoney', () => {
  test('pt-BR BRL: R$ 1.234,56', () => {
    assert.equal(plain(formatMoney(123456, 'BRL', 'pt-BR')), 'R$ 1.234,56');
  });

  test('sv SEK: 1 234,56 kr', () => {
    assert.equal(plain(formatMoney(123456, 'SEK', 'sv')), '1 234,56 kr');
  });

  test('es EUR: no thousands separator on 4-digit amounts (1234,56 €), but on 5 digits (12.345,67 €)', () => {
    // Spanish convention (CLDR minimumGroupingDigits = 2): four-digit numbers are not grouped.
    assert.equal(plain(formatMoney(123456, 'EUR', 'es')), '1234,56 €');
    assert.equal(plain(formatMoney(1234567, 'EUR', 'es')), '12.345,67 €');
  });

  test('en USD: $1,234.56, negatives and cents', () => {
    assert.equal(formatMoney(123456, 'USD', 'en'), '$1,234.56');
    assert.equal(formatMoney(-123456, 'USD', 'en'), '-$1,234.56');
    assert.equal(formatMoney(5, 'USD', 'en'), '$0.05');
  });

  test('zero- and three-decimal currencies are scaled by their own exponent', () => {
    assert.equal(formatMoney(500, 'JPY', 'en'), '¥500');
    assert.equal(plain(formatMoney(1234, 'KWD', 'en')), 'KWD 1.234');
  });

  test('the same currency formats differently per locale (cached formatter is per locale)', () => {
    assert.equal(formatMoney(123456, 'EUR', 'en'), '€1,234.56');
    assert.equal(plain(formatMoney(123456, 'EUR', 'es')), '1234,56 €');
    assert.equal(formatMoney(123456, 'EUR', 'en'), '€1,234.56');
  });
});

describe('currencyExponent', () => {
  test('knows how many decimals each currency has', () => {
    assert.equal(currencyExponent('BRL'), 2);
    assert.equal(currencyExponent('SEK'), 2);
    assert.equal(currencyExponent('EUR'), 2);
    assert.equal(currencyExponent('USD'), 2);
    assert.equal(currencyExponent('JPY'), 0);
    assert.equal(currencyExponent('KWD'), 3);
  });

  test('a malformed code is an invalid_currency ValidationError', () => {
    for (const bad of ['EURO', 'US', '', '12€']) {
      assert.throws(
        () => currencyExponent(bad),
        (err: unknown) => err instanceof AppError && err.code === 'invalid_currency' && err.status === 400,
        bad,
      );
    }
    assert.throws(() => toMinor('1.00', 'EURO'), { code: 'invalid_currency' });
  });
});

describe('isCurrency', () => {
  test('accepts real ISO 4217 codes in upper case only', () => {
    for (const code of ['BRL', 'SEK', 'EUR', 'USD', 'JPY', 'KWD']) assert.equal(isCurrency(code), true, code);
    for (const code of ['usd', 'Eur', 'ZZZ', 'US', 'EURO', '', 'R$'])
      assert.equal(isCurrency(code), false, code);
  });
});
