import { sql } from 'kysely';
import type { Db } from '../db/pool.ts';
import { ConflictError, UnprocessableError, ValidationError } from '../lib/errors.ts';

export interface StoredResponse {
  status: number;
  body: unknown;
  replayed: boolean;
}

// A request still marked in progress after this long crashed mid-way; a retry may take it over.
const ABANDONED_AFTER = '5 minutes';

/**
 * Runs a POST at most once per (merchant, Idempotency-Key): a retry with the same key and body gets the
 * first response again; the same key with a different body is refused. Responses to client errors are
 * remembered too; a server error frees the key so the client can retry.
 */
export async function withIdempotency(opts: {
  db: Db;
  merchantId: string;
  key: string;
  requestHash: string;
  run(): Promise<{ status: number; body: unknown }>;
}): Promise<StoredResponse> {
  const { db, merchantId, key } = opts;
  if (key.length === 0 || key.length > 255) {
    throw new ValidationError(
      'Idempotency-Key must be 1 to 255 characters.',
      undefined,
      'invalid_idempotency_key',
    );
  }
  const claimed = await sql<{ key: string }>`
    INSERT INTO idempotency_keys (merchant_id, key, request_hash, status_code, response)
    VALUES (${merchantId}, ${key}, ${opts.requestHash}, 0, 'null')
    ON CONFLICT (merchant_id, key) DO UPDATE SET created_at = now(), request_hash = EXCLUDED.request_hash
      WHERE idempotency_keys.status_code = 0 AND idempotency_keys.created_at < now() - ${ABANDONED_AFTER}::interval
    RETURNING key`.execute(db);
  if (claimed.rows.length === 0) {
    const row = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    if (row.request_hash !== opts.requestHash) {
      throw new UnprocessableError(
        'idempotency_key_reused',
        'This Idempotency-Key was used with a different request.',
      );
    }
    if (row.status_code === 0) {
      throw new ConflictError(
        'idempotency_in_progress',
        'A request with this Idempotency-Key is still being processed.',
      );
    }
    return { status: row.status_code, body: row.response, replayed: true };
  }
  try {
    const result = await opts.run();
    await remember(db, merchantId, key, result.status, result.body);
    return { ...result, replayed: false };
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500 && status !== 409 && status !== 429) {
      const e = err as { code: string; message: string; details?: unknown };
      await remember(db, merchantId, key, status, {
        error: { code: e.code, message: e.message, details: e.details },
      });
    } else {
      await db
        .deleteFrom('idempotency_keys')
        .where('merchant_id', '=', merchantId)
        .where('key', '=', key)
        .execute();
    }
    throw err;
  }
}

async function remember(db: Db, merchantId: string, key: string, status: number, body: unknown) {
  await db
    .updateTable('idempotency_keys')
    .set({ status_code: status, response: JSON.stringify(body ?? null) })
    .where('merchant_id', '=', merchantId)
    .where('key', '=', key)
    .execute();
}
