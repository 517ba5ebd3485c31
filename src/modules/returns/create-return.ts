import { randomBytes } from 'node:crypto';
import { type Db, withTransaction } from '../../db/pool.ts';
import { NotFoundError, UnprocessableError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { findMerchant } from '../merchants/index.ts';
import { listLines, lockOrder } from '../orders/index.ts';
import { createExchangeOrder } from './exchange-order.ts';
import { loadReturnOrder } from './load-return-facts.ts';
import { type Actor, moveReturn, recordStep } from './move-return.ts';
import type { Photo } from './photos.ts';
import { evaluateReturn, type ReturnEvaluation } from './policy/evaluate.ts';
import { explain } from './policy/explain.ts';
import { returnPolicy } from './policy/schema.ts';
import {
  countRecentReturns,
  findReturn,
  findReturnByRequestKey,
  insertPhoto,
  insertReturn,
  listReturnLines,
  type ReturnLineRow,
  type ReturnRow,
  updateReturn,
} from './repo.ts';
import { resolveInTransaction } from './resolve-return.ts';
import type { ReturnCreateInput } from './schemas.ts';

const EXCHANGES = new Set(['exchange_variant', 'exchange_product', 'instant_exchange']);
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** 'R' and 8 Crockford characters (40 random bits): short to read out, hard to guess. */
export function newReturnNumber(): string {
  const bytes = randomBytes(8);
  return `R${[...bytes].map((b) => CROCKFORD[b % 32]).join('')}`;
}

export interface CreatedReturn {
  ret: ReturnRow;
  lines: ReturnLineRow[];
  evaluation: ReturnEvaluation;
  created: boolean;
}

/**
 * A return request from the portal or the API, decided by the merchant's policy in the same transaction
 * that writes it. All or nothing: a request with any line the policy refuses, a resolution it does not
 * offer or an exchange without the wanted variant is refused whole with every reason, and no RMA exists.
 * Prices come from the order, never from the request. The order row is locked, so two submissions at once
 * cannot both return the same units; the same `requestKey` twice answers the first RMA.
 */
export async function createReturn(opts: {
  db: Db;
  merchantId: string;
  input: ReturnCreateInput;
  photos?: Photo[];
  source: 'portal' | 'api';
  actor: Actor;
  now: Date;
}): Promise<CreatedReturn> {
  const { db, merchantId, input, now } = opts;
  const existing = input.requestKey
    ? await findReturnByRequestKey(db, merchantId, input.requestKey)
    : undefined;
  if (existing) {
    const evaluation = existing.decision as unknown as ReturnEvaluation;
    return { ...(await reload(db, existing)), evaluation, created: false };
  }

  return withTransaction(db, async (tx) => {
    const order = await lockOrder(tx, merchantId, input.orderId);
    const merchant = await findMerchant(tx, merchantId);
    if (!merchant) throw new NotFoundError('Merchant');
    if (order.status === 'cancelled') {
      throw new UnprocessableError('order_cancelled', 'A cancelled order has nothing to return.');
    }
    const policy = returnPolicy(merchant.settings);
    const orderLines = await listLines(tx, merchantId, [order.id]);
    const facts = await loadReturnOrder({ db: tx, order, lines: orderLines });
    const since = new Date(now.getTime() - policy.abuse.periodDays * 86_400_000);
    const history = order.customer_id
      ? await countRecentReturns(tx, merchantId, order.customer_id, since)
      : 0;
    const photoLines = new Set((opts.photos ?? []).map((p) => p.orderLineId));
    const evaluation = evaluateReturn({
      policy,
      order: facts,
      request: {
        resolution: input.resolution,
        lines: input.lines.map((l) => ({
          lineId: l.orderLineId,
          quantity: l.quantity,
          reason: l.reason,
          subReason: l.subReason ?? null,
          comment: l.comment ?? null,
          // A photo for the line, or one for the whole return, counts.
          hasPhotos: photoLines.has(l.orderLineId) || photoLines.has(null),
        })),
      },
      customerHistory: { returnsInWindow: history },
      now,
      timeZone: merchant.timezone,
    });
    refuseUnlessWhole(evaluation, input);
    if (EXCHANGES.has(input.resolution)) await checkExchangeVariants(tx, merchantId, input, orderLines);

    const offer = evaluation.offeredResolutions.find((o) => o.type === input.resolution)!;
    const byId = new Map(orderLines.map((l) => [l.id, l]));
    const prices = new Map(facts.lines.map((l) => [l.lineId, l.unitPriceMinor]));
    const id = newId('ret');
    const row = {
      merchant_id: merchantId,
      id,
      number: newReturnNumber(),
      order_id: order.id,
      customer_id: order.customer_id,
      status: 'requested',
      source: opts.source,
      resolution: input.resolution,
      resolution_detail: JSON.stringify(
        offer.instantExchange ? { instantExchange: offer.instantExchange } : {},
      ),
      currency: order.currency,
      value_minor: input.lines.reduce((s, l) => s + (prices.get(l.orderLineId) ?? 0) * l.quantity, 0),
      bonus_minor: offer.bonusMinor ?? 0,
      fee_minor: offer.fee,
      shipping_minor: offer.shippingCostMinor,
      is_gift: facts.isGift,
      keep_item: evaluation.keepIt && input.resolution === 'returnless',
      decision: JSON.stringify(evaluation),
      review_reasons: evaluation.decisions
        .concat(evaluation.lines.flatMap((l) => l.reasons))
        .filter((d) => d.outcome === 'needs_review')
        .map((d) => d.ruleId),
      locale: order.locale,
      comment: input.comment ?? null,
      request_key: input.requestKey ?? null,
    };
    await insertReturn(
      tx,
      row,
      input.lines.map((l) => ({
        merchant_id: merchantId,
        id: newId('ret'),
        return_id: id,
        order_line_id: l.orderLineId,
        quantity: l.quantity,
        unit_price_minor: prices.get(l.orderLineId) ?? byId.get(l.orderLineId)!.unit_price_minor,
        reason: l.reason,
        sub_reason: l.subReason ?? null,
        comment: l.comment ?? null,
        exchange_variant_id: l.exchangeVariantId ?? null,
      })),
    );
    for (const p of opts.photos ?? []) {
      await insertPhoto(tx, {
        merchant_id: merchantId,
        id: newId('ret'),
        return_id: id,
        return_line_id: null,
        content_type: p.contentType,
        size_bytes: p.data.length,
        sha256: p.sha256,
        data: p.data,
      });
    }
    let ret = (await findReturn(tx, merchantId, id))!;
    await recordStep({ tx, ret, from: null, to: 'requested', actor: opts.actor });
    if (evaluation.status === 'needs_review') {
      ret = await moveReturn({
        tx,
        ret,
        to: 'needs_review',
        actor: 'system',
        note: ret.review_reasons.join(', '),
      });
    } else {
      ret = await moveReturn({ tx, ret, to: 'approved', actor: 'system', changes: { decided_at: now } });
      ret = await afterApproval(tx, ret);
    }
    return { ...(await reload(tx, ret)), evaluation, created: true };
  });
}

/**
 * What approval sets in motion at once: an instant exchange ships the new item now, a returnless refund or
 * "keep it" resolves without a parcel. Used by the automatic approval here and by staff approval.
 */
export async function afterApproval(tx: Db, ret: ReturnRow): Promise<ReturnRow> {
  if (ret.resolution === 'returnless' || ret.keep_item) {
    return resolveInTransaction({ tx, ret, actor: 'system' });
  }
  if (ret.resolution === 'instant_exchange' && !ret.exchange_order_id) {
    const lines = await listReturnLines(tx, ret.merchant_id, [ret.id]);
    const orderLines = await listLines(tx, ret.merchant_id, [ret.order_id]);
    const exchange = await createExchangeOrder({ tx, ret, lines, orderLines });
    const detail = { ...ret.resolution_detail, priceDifferenceMinor: exchange.priceDifferenceMinor };
    await updateReturn(tx, ret.merchant_id, ret.id, {
      exchange_order_id: exchange.orderId,
      resolution_detail: JSON.stringify(detail),
    });
    return { ...ret, exchange_order_id: exchange.orderId, resolution_detail: detail };
  }
  return ret;
}

function refuseUnlessWhole(evaluation: ReturnEvaluation, input: ReturnCreateInput): void {
  const refused = evaluation.lines.filter((l) => !l.eligible);
  if (evaluation.status === 'rejected' || refused.length > 0) {
    const reasons = evaluation.decisions
      .concat(evaluation.lines.flatMap((l) => l.reasons))
      .filter((d) => d.outcome === 'rejected');
    throw new UnprocessableError(
      'return_not_allowed',
      reasons.map((d) => explain(d)).join(' ') || 'The policy does not allow this return.',
      {
        rules: reasons.map((d) => ({ ruleId: d.ruleId, params: d.params })),
        lines: evaluation.lines.map((l) => ({
          orderLineId: l.lineId,
          eligible: l.eligible,
          deadline: l.deadline,
        })),
      },
    );
  }
  if (!evaluation.offeredResolutions.some((o) => o.type === input.resolution)) {
    throw new UnprocessableError(
      'resolution_not_offered',
      `The policy does not offer ${input.resolution} here.`,
      {
        offered: evaluation.offeredResolutions.map((o) => o.type),
      },
    );
  }
  if (EXCHANGES.has(input.resolution)) {
    const missing = input.lines.filter((l) => !l.exchangeVariantId).map((l) => l.orderLineId);
    if (missing.length > 0) {
      throw new UnprocessableError(
        'exchange_variant_required',
        'Name the variant each line is exchanged for.',
        {
          orderLineIds: missing,
        },
      );
    }
  }
}

/**
 * The variants wanted in exchange exist, are in stock, and for a size or colour exchange belong to the same
 * product as the returned line; otherwise the request is refused now rather than failing at resolution.
 */
async function checkExchangeVariants(
  tx: Db,
  merchantId: string,
  input: ReturnCreateInput,
  orderLines: Array<{ id: string; product_id: string | null }>,
): Promise<void> {
  const ids = input.lines.map((l) => l.exchangeVariantId!).filter(Boolean);
  const variants = await tx
    .selectFrom('variants')
    .select(['id', 'product_id', 'inventory'])
    .where('merchant_id', '=', merchantId)
    .where('id', 'in', ids)
    .execute();
  for (const l of input.lines) {
    const v = variants.find((x) => x.id === l.exchangeVariantId);
    if (!v)
      throw new UnprocessableError('unknown_variant', 'The variant asked for does not exist.', {
        variantId: l.exchangeVariantId,
      });
    if (v.inventory !== null && v.inventory < l.quantity) {
      throw new UnprocessableError('out_of_stock', 'The variant asked for is out of stock.', {
        variantId: v.id,
      });
    }
    const productId = orderLines.find((o) => o.id === l.orderLineId)?.product_id ?? null;
    if (input.resolution !== 'exchange_product' && v.product_id !== productId) {
      throw new UnprocessableError(
        'exchange_not_same_product',
        'A size or colour exchange is for the same product; choose a product exchange for another one.',
        { variantId: v.id },
      );
    }
  }
}

async function reload(db: Db, ret: ReturnRow): Promise<{ ret: ReturnRow; lines: ReturnLineRow[] }> {
  const fresh = (await findReturn(db, ret.merchant_id, ret.id)) ?? ret;
  return { ret: fresh, lines: await listReturnLines(db, ret.merchant_id, [ret.id]) };
}
