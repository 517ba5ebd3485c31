import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../src/db/pool.ts';
import type { ApiRoute } from '../src/http/route.ts';

/** Shared helpers for the API-wide tests (tenant isolation, bad input). */

export type InjectResponse = LightMyRequestResponse;

/** "POST /api/v1/orders/:id/shipments": how the route tables in these tests name a route. */
export function routeKey(route: Pick<ApiRoute, 'method' | 'url'>): string {
  return `${route.method} ${route.url}`;
}

/**
 * Fills the path parameters of a route URL with ids, choosing the id by the segment before the parameter:
 * /api/v1/orders/:id takes ids.orders, /api/v1/api-keys/:id takes ids['api-keys']. A parameter after a
 * segment the caller gave no id for throws, so a new kind of resource must be added to the test.
 */
export function fillPath(url: string, ids: Record<string, string>): string {
  const parts = url.split('/');
  return parts
    .map((part, i) => {
      if (!part.startsWith(':')) return part;
      const resource = parts[i - 1] ?? '';
      const id = ids[resource];
      if (!id)
        throw new Error(`No id for ${part} after "/${resource}/" in ${url}; teach the test this resource.`);
      return encodeURIComponent(id);
    })
    .join('/');
}

/**
 * Asserts an error answer: the status, the code, and the one documented shape
 * `{"error": {"code", "message", "details"?}}` with nothing else beside it. Returns the error object.
 */
export function assertError(
  res: InjectResponse,
  status: number,
  code: string,
): { code: string; message: string; details?: unknown } {
  assert.equal(res.statusCode, status, `expected ${status} ${code}, got ${res.statusCode}: ${res.body}`);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const body = res.json() as Record<string, unknown>;
  assert.deepEqual(Object.keys(body), ['error'], `error body has only "error": ${res.body}`);
  const error = body.error as Record<string, unknown>;
  assert.equal(typeof error, 'object');
  assert.equal(error.code, code, res.body);
  assert.equal(typeof error.message, 'string');
  assert.ok((error.message as string).length > 0, 'the error has a message');
  for (const key of Object.keys(error)) assert.ok(['code', 'message', 'details'].includes(key), res.body);
  return error as { code: string; message: string; details?: unknown };
}

/** The zod issue list of a validation_failed answer. */
export function errorDetails(res: InjectResponse): Array<{ path: string; message: string; code: string }> {
  const details = (res.json() as { error: { details?: unknown } }).error.details;
  assert.ok(Array.isArray(details), `details is a list: ${res.body}`);
  return details as Array<{ path: string; message: string; code: string }>;
}

/** What each table contributes to a state snapshot (api_keys.last_used_at is left out: any call touches it). */
const STATE_TABLES: Array<[table: string, columns: string]> = [
  ['merchants', '*'],
  ['merchant_integrations', '*'],
  ['api_keys', 'merchant_id, id, name, secret_hash, created_at, revoked_at'],
  ['orders', '*'],
  ['order_lines', '*'],
  ['customers', '*'],
  ['customer_identities', '*'],
  ['products', '*'],
  ['variants', '*'],
  ['shipments', '*'],
  ['shipment_lines', '*'],
  ['refunds', '*'],
  ['events', '*'],
  ['idempotency_keys', '*'],
  ['import_runs', '*'],
  ['message_templates', '*'],
  ['messages', '*'],
  ['consents', '*'],
  ['suppressions', '*'],
  ['journeys', '*'],
  ['journey_versions', '*'],
  ['journey_enrollments', '*'],
  ['vouchers', '*'],
  ['surveys', '*'],
  ['tasks', '*'],
  ['webhook_endpoints', '*'],
  ['returns', '*'],
  ['return_lines', '*'],
  ['return_photos', 'merchant_id, id, return_id, sha256'],
  ['return_transitions', '*'],
  ['credit_accounts', '*'],
  ['credit_transactions', '*'],
  ['credit_entries', '*'],
  ['voucher_redemptions', '*'],
];

/**
 * Row count and a hash of every row of each table a request could write, optionally of one merchant only.
 * Two equal states mean nothing was inserted, changed or deleted.
 */
export async function tableState(
  db: Db,
  merchantId?: string,
): Promise<Record<string, { rows: number; hash: string }>> {
  const out: Record<string, { rows: number; hash: string }> = {};
  for (const [table, columns] of STATE_TABLES) {
    const owner = table === 'merchants' ? 'id' : 'merchant_id';
    const where = merchantId ? sql`WHERE ${sql.ref(owner)} = ${merchantId}` : sql``;
    const { rows } = await sql<{ rows: number; hash: string }>`
      SELECT count(*)::int AS rows, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS hash
      FROM (SELECT ${sql.raw(columns)} FROM ${sql.table(table)} ${where}) x`.execute(db);
    out[table] = rows[0]!;
  }
  return out;
}

/** A valid REST create-order body. */
export function orderBody(number: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    number,
    currency: 'USD',
    lines: [
      { sku: 'MUG', productExternalId: 'mug', title: 'Mug', quantity: 2, unitPrice: 1250 },
      { title: 'Gift wrap', quantity: 1, unitPrice: 300 },
    ],
    ...extra,
  };
}

/** Creates an order through the API and returns its view. */
export async function createOrder(
  app: FastifyInstance,
  auth: Record<string, string>,
  body: Record<string, unknown>,
): Promise<{ id: string; lines: Array<{ id: string; quantity: number }>; [k: string]: unknown }> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/orders', headers: auth, payload: body });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}
