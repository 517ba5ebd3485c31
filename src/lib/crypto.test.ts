import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { seal, signToken, unseal, verifyHmacSha256, verifyToken } from './crypto.ts';

const SECRET = 'shpss_0123456789abcdef';
const body = Buffer.from('{"id":820982911946154500,"email":"jon@example.com","total_price":"199.00"}');
const mac = createHmac('sha256', SECRET).update(body).digest();

describe('verifyHmacSha256', () => {
  test('accepts a correct base64 signature (Shopify, WooCommerce)', () => {
    assert.equal(
      verifyHmacSha256({
        secret: SECRET,
        rawBody: body,
        signature: mac.toString('base64'),
        encoding: 'base64',
      }),
      true,
    );
    // Header values sometimes arrive with surrounding whitespace.
    assert.equal(
      verifyHmacSha256({
        secret: SECRET,
        rawBody: body,
        signature: ` ${mac.toString('base64')}\n`,
        encoding: 'base64',
      }),
      true,
    );
  });

  test('accepts a correct hex signature', () => {
    assert.equal(
      verifyHmacSha256({ secret: SECRET, rawBody: body, signature: mac.toString('hex'), encoding: 'hex' }),
      true,
    );
    assert.equal(
      verifyHmacSha256({
        secret: Buffer.from(SECRET),
        rawBody: body,
        signature: mac.toString('hex').toUpperCase(),
        encoding: 'hex',
      }),
      true,
    );
  });

  test('refuses a signature for another body or made with another secret', () => {
    const tampered = Buffer.from(body.toString().replace('199.00', '1.00'));
    assert.equal(
      verifyHmacSha256({
        secret: SECRET,
        rawBody: tampered,
        signature: mac.toString('base64'),
        encoding: 'base64',
      }),
      false,
    );
    const other = createHmac('sha256', 'another-secret').update(body).digest('base64');
    assert.equal(
      verifyHmacSha256({ secret: SECRET, rawBody: body, signature: other, encoding: 'base64' }),
      false,
    );
  });

  test('refuses signatures of the wrong length without throwing', () => {
    const b64 = mac.toString('base64');
    const hex = mac.toString('hex');
    const cases: Array<[string, 'base64' | 'hex']> = [
      [b64.slice(0, 20), 'base64'],
      [b64.slice(0, 40), 'base64'],
      [hex.slice(0, 62), 'hex'],
      [`${hex}00`, 'hex'],
      ['not a signature', 'hex'],
      [b64, 'hex'],
      [hex, 'base64'],
    ];
    for (const [signature, encoding] of cases) {
      assert.equal(
        verifyHmacSha256({ secret: SECRET, rawBody: body, signature, encoding }),
        false,
        `${encoding}: ${signature}`,
      );
    }
  });

  test('a signature with extra characters after it is refused', () => {
    const b64 = mac.toString('base64');
    const hex = mac.toString('hex');
    const cases: Array<[string, 'base64' | 'hex']> = [
      [`${b64}${b64}`, 'base64'],
      [`${b64}AAAA`, 'base64'],
      [`${hex}zz`, 'hex'],
    ];
    for (const [signature, encoding] of cases) {
      assert.equal(
        verifyHmacSha256({ secret: SECRET, rawBody: body, signature, encoding }),
        false,
        `${encoding}: ${signature}`,
      );
    }
  });

  test('a missing or empty signature is refused', () => {
    assert.equal(
      verifyHmacSha256({ secret: SECRET, rawBody: body, signature: undefined, encoding: 'base64' }),
      false,
    );
    assert.equal(verifyHmacSha256({ secret: SECRET, rawBody: body, signature: '', encoding: 'hex' }), false);
  });
});

describe('seal / unseal', () => {
  const KEY = 'k'.repeat(40);

  test('round-trips secrets, including unicode and the empty string', () => {
    for (const plaintext of ['whsec_abc123', 'ünïcødé ✓ 密钥', '', 'x'.repeat(10_000)]) {
      assert.equal(unseal(seal(plaintext, KEY), KEY), plaintext);
    }
  });

  test('the sealed form is versioned, does not reveal the plaintext and differs each time', () => {
    const a = seal('whsec_abc123', KEY);
    const b = seal('whsec_abc123', KEY);
    assert.match(a, /^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.ok(!a.includes('whsec'));
    assert.ok(!Buffer.from(a.split('.')[3]!, 'base64url').toString('utf8').includes('whsec'));
    assert.notEqual(a, b, 'a fresh IV every time');
    assert.equal(unseal(b, KEY), 'whsec_abc123');
  });

  test('the wrong key cannot open it', () => {
    assert.throws(() => unseal(seal('whsec_abc123', KEY), 'another-key-another-key-another-key'));
  });

  test('any tampering with iv, tag or ciphertext is detected', () => {
    const sealed = seal('whsec_abc123', KEY);
    const parts = sealed.split('.');
    for (const i of [1, 2, 3]) {
      const bytes = Buffer.from(parts[i]!, 'base64url');
      bytes[0] = bytes[0]! ^ 0x01;
      const copy = [...parts];
      copy[i] = bytes.toString('base64url');
      assert.throws(() => unseal(copy.join('.'), KEY), Error, `part ${i}`);
    }
  });

  test('unknown formats are refused with a clear message', () => {
    assert.throws(() => unseal('plain-text-secret', KEY), /Unrecognised sealed secret format/);
    assert.throws(() => unseal(seal('x', KEY).replace(/^v1/, 'v2'), KEY), /Unrecognised/);
  });
});

describe('signToken / verifyToken', () => {
  const KEY = 'test-secret-key-0123456789abcdef';
  const payload = { m: 'mer_01ABC', o: 'ord_01XYZ', k: 'tracking' };

  test('round-trips the payload and is URL-safe', () => {
    const token = signToken(payload, KEY);
    assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    assert.deepEqual(verifyToken(token, KEY), payload);
  });

  test('a token signed with another key is refused', () => {
    assert.equal(verifyToken(signToken(payload, KEY), 'another-key-0123456789abcdef-xyz'), null);
  });

  test('a tampered payload is refused', () => {
    const token = signToken(payload, KEY);
    const sig = token.split('.')[1]!;
    const forged = Buffer.from(JSON.stringify({ ...payload, o: 'ord_SOMEONE_ELSE' })).toString('base64url');
    assert.equal(verifyToken(`${forged}.${sig}`, KEY), null);
    // Re-signing with another key's signature is no better.
    const otherSig = signToken({ ...payload, o: 'ord_SOMEONE_ELSE' }, 'x'.repeat(32)).split('.')[1]!;
    assert.equal(verifyToken(`${forged}.${otherSig}`, KEY), null);
  });

  test('a tampered signature is refused', () => {
    const token = signToken(payload, KEY);
    const [b, sig] = token.split('.') as [string, string];
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    assert.equal(verifyToken(`${b}.${flipped}`, KEY), null);
    assert.equal(verifyToken(`${b}.${sig.slice(0, -4)}`, KEY), null);
    assert.equal(verifyToken(`${b}.`, KEY), null);
    assert.equal(verifyToken(b, KEY), null);
    assert.equal(verifyToken(`.${sig}`, KEY), null);
    assert.equal(verifyToken('', KEY), null);
  });

  test('only the exact token that was issued is accepted', () => {
    const token = signToken(payload, KEY);
    const [b, sig] = token.split('.') as [string, string];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const variants = [...alphabet]
      .map((c) => `${b}.${sig.slice(0, -1)}${c}`)
      .filter((t) => t !== token)
      .concat([`${token}!`, `${token}=`]);
    assert.deepEqual(
      variants.filter((t) => verifyToken(t, KEY) !== null),
      [],
    );
  });
});
