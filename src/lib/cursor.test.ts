import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { ValidationError } from './errors.ts';

const invalidCursor = (err: unknown) =>
  err instanceof ValidationError && err.code === 'invalid_cursor' && err.status === 400;

describe('cursor', () => {
  test('round-trips the sort value and id', () => {
    const c = encodeCursor('2025-11-28T14:30:15.123Z', 'ord_01JDXYZ');
    assert.deepEqual(decodeCursor(c), { sortValue: '2025-11-28T14:30:15.123Z', id: 'ord_01JDXYZ' });
    const odd = encodeCursor('2025-01-01T00:00:00.000Z', 'cus_+/=ünïcødé "quoted"');
    assert.deepEqual(decodeCursor(odd), {
      sortValue: '2025-01-01T00:00:00.000Z',
      id: 'cus_+/=ünïcødé "quoted"',
    });
  });

  test('is URL-safe and does not show its contents in clear text', () => {
    const c = encodeCursor('2025-11-28T14:30:15.123Z', 'ord_01JDXYZ');
    assert.match(c, /^[A-Za-z0-9_-]+$/);
    assert.ok(!c.includes('ord_'));
    assert.equal(encodeURIComponent(c), c);
  });

  test('garbage is refused with invalid_cursor (400), not a crash', () => {
    for (const bad of ['', 'not-a-cursor', '%%%', 'eyJ', Buffer.from('{"a":1}').toString('base64url')]) {
      assert.throws(() => decodeCursor(bad), invalidCursor, bad);
    }
  });

  test('well-formed JSON of the wrong shape is refused', () => {
    for (const value of [[1, 2], ['only-one'], ['a', null], 'string', null, { sortValue: 'a', id: 'b' }]) {
      const c = Buffer.from(JSON.stringify(value)).toString('base64url');
      assert.throws(() => decodeCursor(c), invalidCursor, JSON.stringify(value));
    }
  });
});
