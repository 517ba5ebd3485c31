import type { DbOrTx } from '../../db/pool.ts';
import { constantTimeEqual, randomToken, sha256Hex } from '../../lib/crypto.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { findApiKeyById, insertApiKey, revokeApiKey as revokeApiKeyRow, touchApiKey } from './repo.ts';

/**
 * API keys look like `key_01J...<26>.<secret>`: the public id finds the row, the secret is compared
 * against its SHA-256 in constant time. The full key is returned once, at creation, and never stored.
 */
export async function createApiKey(opts: {
  db: DbOrTx;
  merchantId: string;
  name?: string;
}): Promise<{ id: string; apiKey: string }> {
  const id = newId('key');
  const secret = randomToken(24);
  await insertApiKey(opts.db, {
    merchant_id: opts.merchantId,
    id,
    name: opts.name ?? 'default',
    secret_hash: sha256Hex(secret),
  });
  return { id, apiKey: `${id}.${secret}` };
}

export async function revokeApiKey(opts: { db: DbOrTx; merchantId: string; keyId: string }): Promise<void> {
  const revoked = await revokeApiKeyRow(opts.db, opts.merchantId, opts.keyId);
  if (!revoked) throw new NotFoundError('An active API key with this id', { keyId: opts.keyId });
}

/** The merchant an API key belongs to, or null when the key is unknown, wrong or revoked. */
export async function authenticateApiKey(opts: { db: DbOrTx; token: string }): Promise<string | null> {
  const dot = opts.token.indexOf('.');
  if (dot < 0) return null;
  const id = opts.token.slice(0, dot);
  const secret = opts.token.slice(dot + 1);
  if (!id.startsWith('key_') || id.length > 40 || secret.length === 0 || secret.length > 100) return null;
  const row = await findApiKeyById(opts.db, id);
  const expected = Buffer.from(row?.secret_hash ?? '0'.repeat(64), 'hex');
  const matches = constantTimeEqual(expected, Buffer.from(sha256Hex(secret), 'hex'));
  if (!row || !matches || row.revoked_at) return null;
  touchApiKey(opts.db, id).catch(() => {});
  return row.merchant_id;
}
