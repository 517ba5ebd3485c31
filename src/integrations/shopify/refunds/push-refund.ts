import type { Config } from '../../../config.ts';
import type { DbOrTx } from '../../../db/pool.ts';
import type { Logger } from '../../../lib/logger.ts';
import { fromMinor, toMinor } from '../../../lib/money.ts';
import { findMerchantIntegration } from '../../../modules/merchants/integrations.ts';
import {
  refundResponse,
  refundsResponse,
  ShopifyApiError,
  type ShopifyTransaction,
  shopifyAdmin,
  transactionsResponse,
} from './admin-client.ts';
import { beginAttempt, loadRefundFacts, type RefundFacts, recordOutcome } from './repo.ts';

export type PushOutcome =
  | 'succeeded'
  | 'already_succeeded'
  | 'failed'
  | 'not_shopify'
  | 'not_connected'
  | 'nothing_to_refund';

/**
 * Makes the refund a resolved return recorded on a Shopify order in Shopify too (money back to the
 * customer's payment, the returned items restocked), once. Runs outside any transaction: each database
 * write stands alone, around the HTTP calls. The outcome is kept in `platform_refunds`; a refund Shopify
 * refuses (4xx) is recorded as failed and returns normally, anything worth retrying throws.
 */
export async function pushShopifyRefund(opts: {
  db: DbOrTx;
  config: Pick<Config, 'SECRET_KEY' | 'SHOPIFY_API_BASE_URL'>;
  logger: Logger;
  merchantId: string;
  returnId: string;
  /** Whether the exchanged or refunded lines go back to Shopify as returned (refunds) or money only. */
  withLines: boolean;
  /** The queue's last try: a retryable error is then recorded as failed too. */
  lastAttempt?: boolean;
  fetch?: typeof fetch;
}): Promise<PushOutcome> {
  const { db, merchantId, returnId } = opts;
  const facts = await loadRefundFacts(db, merchantId, returnId);
  if (!facts || facts.amountMinor <= 0) return 'nothing_to_refund';
  if (facts.orderSource !== 'shopify') return 'not_shopify';
  const admin = await findMerchantIntegration({
    db,
    secretKey: opts.config.SECRET_KEY,
    merchantId,
    kind: 'shopify_admin',
  });
  if (!admin) return 'not_connected';

  const state = await beginAttempt(db, merchantId, returnId);
  if (state.status === 'succeeded') return 'already_succeeded';
  const log = opts.logger.child({ merchantId, returnId });
  try {
    const client = shopifyAdmin({
      shop: admin.externalRef,
      token: admin.secret,
      baseUrl: opts.config.SHOPIFY_API_BASE_URL,
      fetch: opts.fetch,
    });
    const order = encodeURIComponent(facts.orderExternalId);
    const note = `Return ${facts.returnNumber}`;
    // Shopify's REST refunds take no idempotency key: a refund made by an earlier try whose answer never
    // reached us (or whose row update was lost) is recognised by its note instead.
    const existing = await client.get(`/orders/${order}/refunds.json?fields=id,note`, refundsResponse);
    const mine = existing.refunds.find((r) => r.note === note);
    if (mine) {
      await recordOutcome(db, merchantId, returnId, { status: 'succeeded', platformRefundId: mine.id });
      log.info({ shopifyRefundId: mine.id }, 'the Shopify refund was already made');
      return 'succeeded';
    }
    const { transactions } = await client.get(`/orders/${order}/transactions.json`, transactionsResponse);
    const parents = refundableParents(transactions, facts.currency);
    const body = refundBody({ facts, note, parents, withLines: opts.withLines });
    const created = await client.post(`/orders/${order}/refunds.json`, body, refundResponse);
    await recordOutcome(db, merchantId, returnId, {
      status: 'succeeded',
      platformRefundId: created.refund.id,
    });
    log.info({ shopifyRefundId: created.refund.id }, 'refund made in Shopify');
    return 'succeeded';
  } catch (err) {
    const permanent = err instanceof ShopifyApiError ? err.permanent : false;
    const message = (err as Error).message;
    if (permanent || opts.lastAttempt) {
      await recordOutcome(db, merchantId, returnId, { status: 'failed', error: message });
      log.warn({ err: message }, 'Shopify refused the refund; recorded as failed');
      return 'failed';
    }
    await recordOutcome(db, merchantId, returnId, { status: 'pending', error: message });
    throw err;
  }
}

interface Parent {
  id: string;
  gateway: string | null;
  /** What is left to refund against it, in minor units. */
  refundableMinor: number;
}

/**
 * The successful sales and captures, each with what earlier refunds left of it. Shopify refunds money
 * against such a parent transaction; an authorization alone holds no money to give back.
 */
export function refundableParents(transactions: ShopifyTransaction[], currency: string): Parent[] {
  const ok = (t: ShopifyTransaction) => (t.status ?? 'success') === 'success';
  const refunded = new Map<string, number>();
  for (const t of transactions) {
    if (t.kind === 'refund' && ok(t) && t.parent_id)
      refunded.set(t.parent_id, (refunded.get(t.parent_id) ?? 0) + toMinor(t.amount, currency));
  }
  return transactions
    .filter((t) => (t.kind === 'sale' || t.kind === 'capture') && ok(t))
    .map((t) => ({
      id: t.id,
      gateway: t.gateway ?? null,
      refundableMinor: toMinor(t.amount, currency) - (refunded.get(t.id) ?? 0),
    }))
    .filter((p) => p.refundableMinor > 0);
}

/** The refund Shopify is asked for: the amount spread over the parents in order, the lines restocked. */
export function refundBody(opts: {
  facts: RefundFacts;
  note: string;
  parents: Parent[];
  withLines: boolean;
}) {
  const { facts } = opts;
  let left = facts.amountMinor;
  const transactions: Array<{ parent_id: string; amount: string; kind: 'refund'; gateway: string | null }> =
    [];
  for (const p of opts.parents) {
    if (left <= 0) break;
    const take = Math.min(left, p.refundableMinor);
    transactions.push({
      parent_id: p.id,
      amount: fromMinor(take, facts.currency),
      kind: 'refund',
      gateway: p.gateway,
    });
    left -= take;
  }
  if (left > 0) {
    throw new ShopifyApiError(
      `The order's successful payments in Shopify leave ${fromMinor(facts.amountMinor - left, facts.currency)} ${facts.currency} to refund, not ${fromMinor(facts.amountMinor, facts.currency)}.`,
      null,
      true,
    );
  }
  const lines = opts.withLines ? facts.lines.filter((l) => l.lineItemId !== null && l.quantity > 0) : [];
  return {
    refund: {
      currency: facts.currency,
      notify: true,
      note: opts.note,
      ...(lines.length > 0
        ? {
            refund_line_items: lines.map((l) => ({
              line_item_id: Number.isSafeInteger(Number(l.lineItemId)) ? Number(l.lineItemId) : l.lineItemId,
              quantity: l.quantity,
              restock_type: 'return',
            })),
          }
        : {}),
      transactions,
    },
  };
}
