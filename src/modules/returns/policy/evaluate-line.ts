import type { IsoDate } from '../../promise/calendar.ts';
import type { Resolution } from '../status.ts';
import { type Decision, decide, type RuleId } from './explain.ts';
import { type PricedLine, restockingFee } from './offers.ts';
import type { ReturnPolicy } from './schema.ts';
import { deadlineFor, finalSaleMatch, localDate, type WindowSource, windowFor } from './window.ts';

export interface ReturnOrderLine {
  lineId: string;
  sku: string | null;
  productId: string | null;
  category: string | null;
  tags: readonly string[];
  /** What the customer paid per unit, after discounts. */
  unitPriceMinor: number;
  quantity: number;
  /** Units already returned or in an open return request. */
  quantityReturned: number;
  finalSale?: boolean;
  /** For split shipments: this line's own scans, when they differ from the order's. */
  deliveredAt?: Date | null;
  fulfilledAt?: Date | null;
}

export interface ReturnOrder {
  placedAt: Date;
  currency: string;
  isGift: boolean;
  lines: readonly ReturnOrderLine[];
  deliveredAt: Date | null;
  fulfilledAt: Date | null;
  /** ISO 3166-1 alpha-2; whose holidays count for a business-day window unless the policy names a country. */
  shippingCountry: string;
}

export interface ReturnRequestLine {
  lineId: string;
  quantity: number;
  reason: string;
  subReason?: string | null;
  hasPhotos: boolean;
  comment?: string | null;
}

export interface LineEvaluation {
  lineId: string;
  eligible: boolean;
  /** Units approved for return: the requested quantity when eligible, else 0. */
  quantityAllowed: number;
  /** Every rule that looked at the line, in the order they ran. */
  reasons: Decision[];
  /** Last local day (merchant time zone, inclusive) to start a return; null when unknown. */
  deadline: IsoDate | null;
  /** Restocking fee for the requested resolution (a refund when none was chosen yet). */
  fee: number;
}

const WINDOW_RULE: Record<WindowSource, RuleId> = {
  default: 'window_default',
  category: 'window_category',
  tag: 'window_tag',
  product: 'window_product',
  sku: 'window_sku',
};

function quantityDecision(line: ReturnOrderLine, requested: number): Decision | null {
  const purchased = line.quantity;
  const returned = line.quantityReturned;
  const remaining = purchased - returned;
  if (!Number.isInteger(requested) || requested < 1)
    return decide('quantity_invalid', 'rejected', { requested });
  if (requested > purchased) return decide('quantity_exceeds_purchase', 'rejected', { requested, purchased });
  if (remaining <= 0) return decide('already_returned', 'rejected', { purchased, returned });
  if (requested > remaining) {
    return decide('quantity_exceeds_remaining', 'rejected', { requested, remaining, returned });
  }
  return null;
}

function windowDecisions(opts: {
  policy: ReturnPolicy;
  order: ReturnOrder;
  line: ReturnOrderLine;
  now: Date;
  timeZone: string;
}): { decisions: Decision[]; deadline: IsoDate | null } {
  const { policy, order, line } = opts;
  const delivered = line.deliveredAt !== undefined ? line.deliveredAt : order.deliveredAt;
  const fulfilled = line.fulfilledAt !== undefined ? line.fulfilledAt : order.fulfilledAt;
  const start = delivered ?? fulfilled;
  if (!start) return { decisions: [decide('not_shipped', 'rejected')], deadline: null };
  const choice = windowFor(policy, line);
  const d = deadlineFor({
    policy,
    start,
    days: choice.days,
    timeZone: opts.timeZone,
    shippingCountry: order.shippingCountry,
  });
  const decisions: Decision[] = [];
  if (!delivered) decisions.push(decide('window_from_fulfilment', 'info', { startDate: d.startDate }));
  const params = {
    days: choice.days,
    deadline: d.deadline,
    source: choice.source,
    ...(choice.matched !== null ? { matched: choice.matched } : {}),
  };
  // Past the deadline once the merchant's calendar shows a later day (the deadline day is inclusive).
  if (localDate(opts.now, opts.timeZone) > d.deadline) {
    decisions.push(decide('window_closed', 'rejected', params));
  } else if (d.holiday) {
    const { deliveredFrom: from, deliveredTo: to, id } = d.holiday.period;
    decisions.push(decide('window_holiday', 'pass', { ...params, period: id, from, to }));
  } else {
    decisions.push(decide(WINDOW_RULE[choice.source], 'pass', params));
  }
  return { decisions, deadline: d.deadline };
}

/** Reason, sub-reason and the evidence they ask for. Returns whether the shop was at fault. */
function reasonDecisions(
  policy: ReturnPolicy,
  req: ReturnRequestLine,
): { decisions: Decision[]; merchantFault: boolean } {
  const reason = policy.reasons.find((r) => r.code === req.reason);
  if (!reason)
    return {
      decisions: [decide('reason_unknown', 'rejected', { reason: req.reason })],
      merchantFault: false,
    };
  const decisions: Decision[] = [];
  const params = { reason: reason.code };
  const sub = req.subReason ? reason.subReasons.find((s) => s.code === req.subReason) : undefined;
  if (req.subReason && !sub)
    decisions.push(decide('sub_reason_unknown', 'rejected', { ...params, subReason: req.subReason }));
  else if (!req.subReason && reason.subReasons.length > 0)
    decisions.push(decide('sub_reason_required', 'rejected', params));
  if ((reason.requiresPhotos || sub?.requiresPhotos) && !req.hasPhotos) {
    decisions.push(decide('photos_missing', policy.review.onMissingPhotos, params));
  }
  if ((reason.requiresComment || sub?.requiresComment) && !req.comment?.trim()) {
    decisions.push(decide('comment_missing', policy.review.onMissingComment, params));
  }
  if (reason.review) decisions.push(decide('reason_review', 'needs_review', params));
  if (reason.merchantFault) decisions.push(decide('merchant_fault', 'info', params));
  return { decisions, merchantFault: reason.merchantFault };
}

/**
 * Every rule for one requested line. Rules do not stop at the first refusal (except for a line that is not
 * in the order), so the customer learns everything that is wrong at once.
 */
export function evaluateLine(opts: {
  policy: ReturnPolicy;
  order: ReturnOrder;
  request: ReturnRequestLine;
  resolution: Resolution | undefined;
  duplicate: boolean;
  now: Date;
  timeZone: string;
}): { evaluation: LineEvaluation; priced: PricedLine | null } {
  const { policy, order, request: req } = opts;
  const line = order.lines.find((l) => l.lineId === req.lineId);
  const rejectedAs = (ruleId: RuleId) => ({
    evaluation: {
      lineId: req.lineId,
      eligible: false,
      quantityAllowed: 0,
      reasons: [decide(ruleId, 'rejected')],
      deadline: null,
      fee: 0,
    },
    priced: null,
  });
  if (!line) return rejectedAs('line_not_in_order');
  if (opts.duplicate) return rejectedAs('duplicate_line');

  const reasons: Decision[] = [];
  const quantity = quantityDecision(line, req.quantity);
  if (quantity) reasons.push(quantity);
  const finalSale = finalSaleMatch(policy, line);
  if (finalSale) reasons.push(decide('final_sale', 'rejected', finalSale));
  const window = windowDecisions({ policy, order, line, now: opts.now, timeZone: opts.timeZone });
  reasons.push(...window.decisions);
  const why = reasonDecisions(policy, req);
  reasons.push(...why.decisions);

  const eligible = !reasons.some((d) => d.outcome === 'rejected');
  const priced: PricedLine | null = eligible
    ? { unitPriceMinor: line.unitPriceMinor, quantity: req.quantity, merchantFault: why.merchantFault }
    : null;
  let fee = 0;
  if (priced) {
    const resolution = opts.resolution ?? 'refund';
    fee = restockingFee({ policy, resolution, line: priced, currency: order.currency });
    if (fee > 0)
      reasons.push(decide('restocking_fee', 'info', { feeMinor: fee, currency: order.currency, resolution }));
  }
  return {
    evaluation: {
      lineId: req.lineId,
      eligible,
      quantityAllowed: eligible ? req.quantity : 0,
      reasons,
      deadline: window.deadline,
      fee,
    },
    priced,
  };
}
