import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hasPrefix, newId } from './ids.ts';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const decodeTime = (id: string) =>
  [...id.slice(id.indexOf('_') + 1, id.indexOf('_') + 11)].reduce((t, c) => t * 32 + CROCKFORD.indexOf(c), 0);

describe('newId', () => {
  test('is the prefix, an underscore and 26 Crockford base32 characters', () => {
    for (const prefix of ['ord', 'cus', 'evt', 'mer', 'shp'] as const) {
      const id = newId(prefix);
      assert.match(id, new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`));
      assert.equal(id.length, prefix.length + 27);
      assert.equal(hasPrefix(id, prefix), true);
    }
  });

  test('hasPrefix refuses other prefixes and wrong lengths', () => {
    const id = newId('ord');
    assert.equal(hasPrefix(id, 'cus'), false);
    assert.equal(hasPrefix(id.slice(0, -1), 'ord'), false);
    assert.equal(hasPrefix(`${id}X`, 'ord'), false);
    assert.equal(hasPrefix(id.replace('ord_', 'ord-'), 'ord'), false);
  });

  test('the first ten characters encode the creation time', () => {
    const t = Date.UTC(2025, 10, 28, 14, 30, 15, 123);
    assert.equal(decodeTime(newId('evt', t)), t);
    assert.equal(decodeTime(newId('evt', 0)), 0);
    assert.ok(newId('evt', 0).startsWith('evt_0000000000'));
  });

  test('ids sort by creation time as plain strings', () => {
    const times = [
      0,
      31,
      32,
      1023,
      1024,
      Date.UTC(2020, 0, 1),
      Date.UTC(2025, 5, 30, 23, 59, 59, 999),
      Date.UTC(2025, 6, 1),
      Date.UTC(2099, 11, 31),
    ];
    const ids = times.map((t) => newId('ord', t));
    assert.deepEqual([...ids].sort(), ids);
    // Also against the wall clock, one millisecond apart.
    const a = newId('ord', 1_700_000_000_000);
    const b = newId('ord', 1_700_000_000_001);
    assert.ok(a < b);
  });

  test('10 000 ids made in the same millisecond are all different', () => {
    const t = Date.now();
    const ids = new Set(Array.from({ length: 10_000 }, () => newId('ord', t)));
    assert.equal(ids.size, 10_000);
    // and the random part really varies in every position (not a counter).
    const tails = [...ids].map((id) => id.slice(14));
    for (let i = 0; i < 16; i++) assert.ok(new Set(tails.map((s) => s[i])).size > 16, `position ${i}`);
  });
});
