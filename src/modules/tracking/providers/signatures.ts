import { constantTimeEqual, hmacSha256 } from '../../../lib/crypto.ts';

/**
 * EasyPost signs the raw body with HMAC-SHA256, keyed by the webhook secret after Unicode NFKD
 * normalisation, and sends `X-Hmac-Signature: hmac-sha256-hex=<hex>`.
 */
export function verifyEasyPostSignature(opts: {
  rawBody: Buffer;
  header: string | undefined;
  secret: string;
}): boolean {
  if (!opts.header) return false;
  const expected = `hmac-sha256-hex=${hmacSha256(Buffer.from(opts.secret.normalize('NFKD'), 'utf8'), opts.rawBody).toString('hex')}`;
  return constantTimeEqual(Buffer.from(expected), Buffer.from(opts.header.trim().toLowerCase()));
}

/** AfterShip sends `aftership-hmac-sha256: <base64 HMAC-SHA256 of the raw body>` keyed by the webhook secret. */
export function verifyAfterShipSignature(opts: {
  rawBody: Buffer;
  header: string | undefined;
  secret: string;
}): boolean {
  if (!opts.header) return false;
  const expected = hmacSha256(opts.secret, opts.rawBody).toString('base64');
  return constantTimeEqual(Buffer.from(expected), Buffer.from(opts.header.trim()));
}
