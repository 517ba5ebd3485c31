import type { ReturnLineRow, ReturnRow, ReturnTransitionRow } from './repo.ts';
import type { ReturnView } from './schemas.ts';
import type { Resolution, ReturnStatus } from './status.ts';

export function toReturnView(
  ret: ReturnRow,
  lines: ReturnLineRow[],
  history?: ReturnTransitionRow[],
): ReturnView {
  return {
    id: ret.id,
    number: ret.number,
    orderId: ret.order_id,
    customerId: ret.customer_id,
    status: ret.status as ReturnStatus,
    source: ret.source,
    resolution: ret.resolution as Resolution,
    outcome: ret.outcome,
    currency: ret.currency,
    valueMinor: Number(ret.value_minor),
    bonusMinor: Number(ret.bonus_minor),
    feeMinor: Number(ret.fee_minor),
    shippingMinor: Number(ret.shipping_minor),
    refundedMinor: Number(ret.refunded_minor),
    creditedMinor: Number(ret.credited_minor),
    isGift: ret.is_gift,
    keepItem: ret.keep_item,
    reviewReasons: ret.review_reasons,
    decision: ret.decision,
    comment: ret.comment,
    returnCarrier: ret.return_carrier,
    returnTracking: ret.return_tracking,
    exchangeOrderId: ret.exchange_order_id,
    lines: lines
      .filter((l) => l.return_id === ret.id)
      .map((l) => ({
        id: l.id,
        orderLineId: l.order_line_id,
        quantity: l.quantity,
        unitPriceMinor: Number(l.unit_price_minor),
        reason: l.reason,
        subReason: l.sub_reason,
        comment: l.comment,
        exchangeVariantId: l.exchange_variant_id,
        inspection: l.inspection,
      })),
    ...(history
      ? {
          history: history.map((h) => ({
            from: h.from_status,
            to: h.to_status,
            actor: h.actor,
            note: h.note,
            at: h.at.toISOString(),
          })),
        }
      : {}),
    createdAt: ret.created_at.toISOString(),
    updatedAt: ret.updated_at.toISOString(),
  };
}
