import { sql } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import type { Condition } from './schemas.ts';

export interface Facts {
  order: Record<string, unknown> | null;
  customer: Record<string, unknown> | null;
  return?: Record<string, unknown> | null;
}

/** The facts a journey's conditions can test, for an order and/or a customer (and a return, for return journeys). */
export async function loadFacts(
  db: DbOrTx,
  merchantId: string,
  orderId: string | null,
  customerId: string | null,
  returnId: string | null = null,
): Promise<Facts> {
  const order = orderId
    ? await db
        .selectFrom('orders')
        .selectAll()
        .where('merchant_id', '=', merchantId)
        .where('id', '=', orderId)
        .executeTakeFirst()
    : undefined;
  const cid = customerId ?? order?.customer_id ?? null;
  const customer = cid
    ? await db
        .selectFrom('customers')
        .selectAll()
        .where('merchant_id', '=', merchantId)
        .where('id', '=', cid)
        .executeTakeFirst()
    : undefined;
  let firstOrder: boolean | null = null;
  if (order && cid) {
    // Counted here rather than read from the customer's counters, which a background job keeps.
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM orders WHERE merchant_id = ${merchantId} AND customer_id = ${cid}
        AND id <> ${order.id} AND placed_at < ${order.placed_at} AND status <> 'cancelled'`.execute(db);
    firstOrder = (rows[0]?.n ?? 0) === 0;
  }
  return {
    return: returnId ? await returnFacts(db, merchantId, returnId) : null,
    order: order
      ? {
          channel: order.channel,
          total: order.total_minor,
          currency: order.currency,
          locale: order.locale,
          campaign_tags: order.campaign_tags,
          tags: order.tags,
          placed_at: order.placed_at.toISOString(),
          payment_status: order.payment_status,
        }
      : null,
    customer: customer
      ? {
          orders_count: customer.orders_count,
          accepts_marketing: customer.accepts_marketing,
          first_order: firstOrder,
        }
      : null,
  };
}

/**
 * A return's status, resolution and `history`: every status it has entered. Steps branch on history rather
 * than on the status now, so a step that runs late (the return has moved on) still takes the right branch.
 */
async function returnFacts(
  db: DbOrTx,
  merchantId: string,
  returnId: string,
): Promise<Record<string, unknown> | null> {
  const ret = await db
    .selectFrom('returns')
    .select(['status', 'resolution'])
    .where('merchant_id', '=', merchantId)
    .where('id', '=', returnId)
    .executeTakeFirst();
  if (!ret) return null;
  const steps = await db
    .selectFrom('return_transitions')
    .select('to_status')
    .where('merchant_id', '=', merchantId)
    .where('return_id', '=', returnId)
    .orderBy('seq')
    .execute();
  return { status: ret.status, resolution: ret.resolution, history: steps.map((s) => s.to_status) };
}

function factValue(facts: Facts, field: string): unknown {
  const [scope, key] = field.split('.') as ['order' | 'customer' | 'return', string];
  return facts[scope]?.[key];
}

/** All conditions hold (an empty list holds). A condition on a fact we do not have fails. */
export function conditionsHold(conditions: Condition[] | undefined, facts: Facts): boolean {
  return (conditions ?? []).every((c) => holds(c, factValue(facts, c.field)));
}

function holds(c: Condition, actual: unknown): boolean {
  if (actual === undefined || actual === null) return false;
  const v = c.value;
  switch (c.op) {
    case 'eq':
      return actual === v;
    case 'neq':
      return actual !== v;
    case 'in':
      return Array.isArray(v) && v.includes(actual as never);
    case 'gte':
      return compare(actual, v) >= 0;
    case 'lte':
      return compare(actual, v) <= 0;
    case 'contains':
      return Array.isArray(actual) ? actual.includes(v) : String(actual).includes(String(v));
    case 'between':
      return Array.isArray(v) && v.length === 2 && compare(actual, v[0]) >= 0 && compare(actual, v[1]) <= 0;
  }
}

const instant = (v: unknown) =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v))
    ? Date.parse(v)
    : null;

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const ta = instant(a);
  const tb = instant(b);
  if (ta !== null && tb !== null) return ta - tb;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}
