import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { codeHint, codeKey, generateCode, hashCode, voucherCodeForm } from './codes.ts';

describe('codes', () => {
  test('16 characters in four groups, from an alphabet without 0, O, 1 or I', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = generateCode();
      assert.match(code, /^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}$/);
      seen.add(code);
    }
    assert.equal(seen.size, 2000);
  });

  test('case, spaces and dashes do not change the hash', () => {
    const code = 'ABCD-EFGH-JKLM-NPQR';
    assert.equal(codeKey(' abcd efgh-jklm npqr '), 'ABCDEFGHJKLMNPQR');
    assert.equal(hashCode('abcdefghjklmnpqr'), hashCode(code));
    assert.notEqual(hashCode('ABCD-EFGH-JKLM-NPQS'), hashCode(code));
    assert.match(hashCode(code), /^[0-9a-f]{64}$/);
    assert.equal(codeHint(code), 'NPQR');
  });

  test('the vouchers table spelling: upper case, spaces read as dashes', () => {
    assert.equal(voucherCodeForm(' thanks abcd-efgh '), 'THANKS-ABCD-EFGH');
  });
});
