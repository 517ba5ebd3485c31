import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function hmacSha256(key: string | Buffer, data: string | Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** Compares two byte strings in time that does not depend on where they differ. */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) {
    // Still spend the comparison so a length mismatch is not observably faster.
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/**
 * Checks `signature` (as the sender encoded it) against HMAC-SHA256(secret, rawBody) in constant time.
 * The comparison is on the encoded text, so trailing junk or a second signature appended does not pass
 * (Buffer.from would silently stop decoding at it).
 */
export function verifyHmacSha256(opts: {
  secret: string | Buffer;
  rawBody: Buffer;
  signature: string | undefined;
  encoding: 'base64' | 'hex';
}): boolean {
  if (!opts.signature) return false;
  const expected = hmacSha256(opts.secret, opts.rawBody).toString(opts.encoding);
  const given = opts.encoding === 'hex' ? opts.signature.trim().toLowerCase() : opts.signature.trim();
  return constantTimeEqual(Buffer.from(expected), Buffer.from(given));
}

export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Symmetric encryption for secrets we must be able to use again (a shop's webhook signing secret),
 * as opposed to API keys, which we only ever compare and therefore store hashed.
 * Format: v1.<iv>.<tag>.<ciphertext>, all base64url. AES-256-GCM with a key derived from SECRET_KEY.
 */
export function seal(plaintext: string, secretKey: string): string {
  const key = createHash('sha256').update(`afterglow-seal:${secretKey}`).digest();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    'v1',
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    ct.toString('base64url'),
  ].join('.');
}

export function unseal(sealed: string, secretKey: string): string {
  const [version, iv, tag, ct] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || ct === undefined)
    throw new Error('Unrecognised sealed secret format.');
  const key = createHash('sha256').update(`afterglow-seal:${secretKey}`).digest();
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
}

/**
 * Signed, URL-safe tokens for public links (`/t/{token}`): payload.signature, where the signature is a
 * truncated HMAC. Anyone holding the link can read what it points to; nobody can forge another one.
 */
export function signToken(payload: Record<string, unknown>, secretKey: string): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const sig = hmacSha256(`afterglow-token:${secretKey}`, body).subarray(0, 16).toString('base64url');
  return `${body}.${sig}`;
}

export function verifyToken<T = Record<string, unknown>>(token: string, secretKey: string): T | null {
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return null;
  const body = token.slice(0, dot);
  const expected = hmacSha256(`afterglow-token:${secretKey}`, body).subarray(0, 16).toString('base64url');
  if (!constantTimeEqual(Buffer.from(expected), Buffer.from(token.slice(dot + 1)))) return null;
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T;
  } catch {
    return null;
  }
}
