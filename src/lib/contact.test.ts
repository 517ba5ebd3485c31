import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normalizeEmail, normalizePhone } from './contact.ts';

describe('normalizeEmail', () => {
  test('trims and lower-cases so the same person matches across channels', () => {
    assert.equal(normalizeEmail('  Ana.Souza@Example.COM '), 'ana.souza@example.com');
    assert.equal(normalizeEmail('ERIK@EXEMPEL.SE'), 'erik@exempel.se');
    assert.equal(normalizeEmail('first+tag@sub.example.co.uk'), 'first+tag@sub.example.co.uk');
  });

  test('anything that is not an address gives null', () => {
    for (const v of [
      '',
      '   ',
      'not-an-email',
      'a@b',
      'a b@example.com',
      'a@example',
      '@example.com',
      null,
      undefined,
    ]) {
      assert.equal(normalizeEmail(v), null, String(v));
    }
  });
});

describe('normalizePhone', () => {
  test('Brazil: national mobile and landline formats read in BR', () => {
    assert.equal(normalizePhone('(11) 98765-4321', 'BR'), '+5511987654321');
    assert.equal(normalizePhone('11 98765-4321', 'BR'), '+5511987654321');
    assert.equal(normalizePhone('(11) 3456-7890', 'BR'), '+551134567890');
    assert.equal(normalizePhone('+55 11 98765 4321'), '+5511987654321');
  });

  test('Sweden: leading 0 trunk prefix and 00 international prefix', () => {
    assert.equal(normalizePhone('070-123 45 67', 'SE'), '+46701234567');
    assert.equal(normalizePhone('08-123 456 78', 'SE'), '+46812345678');
    assert.equal(normalizePhone('+46 70 123 45 67'), '+46701234567');
    assert.equal(normalizePhone('0046701234567', 'SE'), '+46701234567');
  });

  test('Spain: mobile and Madrid landline', () => {
    assert.equal(normalizePhone('612 34 56 78', 'ES'), '+34612345678');
    assert.equal(normalizePhone('91 123 45 67', 'ES'), '+34911234567');
    assert.equal(normalizePhone('+34 612 345 678'), '+34612345678');
  });

  test('United States: common national formats', () => {
    assert.equal(normalizePhone('(415) 555-2671', 'US'), '+14155552671');
    assert.equal(normalizePhone('415.555.2671', 'US'), '+14155552671');
    assert.equal(normalizePhone('+1 415 555 2671'), '+14155552671');
  });

  test('the same number typed in two channels normalises to the same value', () => {
    assert.equal(normalizePhone('(11) 98765-4321', 'BR'), normalizePhone('+55 11 98765 4321', 'SE'));
  });

  test('an explicit country prefix wins over the default country', () => {
    assert.equal(normalizePhone('+1 415 555 2671', 'SE'), '+14155552671');
    assert.equal(normalizePhone('+46 70 123 45 67', 'BR'), '+46701234567');
  });

  test('the default country decides how a national number is read', () => {
    // Without a country, a national number is ambiguous.
    assert.equal(normalizePhone('(11) 98765-4321'), null);
    assert.equal(normalizePhone('070-123 45 67', null), null);
    // A default that is not an upper-case ISO code is ignored rather than guessed.
    assert.equal(normalizePhone('070-123 45 67', 'Sweden'), null);
    // The same digits mean different numbers in different countries.
    assert.notEqual(normalizePhone('612 34 56 78', 'ES'), normalizePhone('612 34 56 78', 'SE'));
  });

  test('invalid or empty numbers give null', () => {
    for (const [v, c] of [
      ['12345', 'BR'],
      ['abc', 'US'],
      ['', 'BR'],
      [null, 'BR'],
      [undefined, 'SE'],
      ['(11) 1234', 'BR'],
      ['(11) 98765-43', 'BR'],
      ['+99 123 456 789', undefined],
    ] as const) {
      assert.equal(normalizePhone(v, c), null, `${v} ${c}`);
    }
  });
});
