import type { Resolution } from '../status.ts';
import {
  evaluateLine,
  type LineEvaluation,
  type ReturnOrder,
  type ReturnRequestLine,
} from './evaluate-line.ts';
import { type Decision, decide } from './explain.ts';
import {
  amountIn,
  buildOffer,
  choosableResolutions,
  lineValue,
  type OfferedResolution,
  type PricedLine,
  type ReturnShipping,
  returnShippingFor,
} from './offers.ts';
import type { ReturnPolicy } from './schema.ts';

export type { LineEvaluation, ReturnOrder, ReturnOrderLine, ReturnRequestLine } from './evaluate-line.ts';
export type { OfferedResolution, ReturnShipping } from './offers.ts';

export interface ReturnRequest {
  lines: readonly ReturnRequestLine[];
  /** The resolution the customer picked, if they already did. */
  resolution?: Resolution;
}

export type ReturnDecisionStatus = 'approved' | 'needs_review' | 'rejected';

export interface ReturnEvaluation {
  status: ReturnDecisionStatus;
  currency: string;
  lines: LineEvaluation[];
  /** Rules about the request as a whole (gift, abuse, value, keep-it, resolution, shipping). */
  decisions: Decision[];
  /** What the customer may choose, over the eligible lines; empty when nothing is eligible. */
  offeredResolutions: OfferedResolution[];
  /** Sending the items back costs more than they are worth: 'returnless' leads the offers. */
  keepIt: boolean;
  /** For the requested resolution; before one is chosen, for a refund (the case to tell up front). */
  returnShipping: ReturnShipping;
}

/**
 * Decides a return request against a merchant's policy. Pure: no clock, no database; `now` and the
 * merchant's `timeZone` come in. Impossible requests are rejected decisions with stable rule ids, never
 * exceptions; only a broken time zone throws.
 *
 * Status: rejected when a request-level rule rejects or no line is eligible; needs_review when any rule on
 * the request or on an eligible line asks for a person; approved otherwise. Ineligible lines are left out
 * of the offers and do not block the others.
 */
export function evaluateReturn(opts: {
  policy: ReturnPolicy;
  order: ReturnOrder;
  request: ReturnRequest;
  customerHistory: {
    /** The customer's returns in the last `policy.abuse.periodDays`, not counting this request. */
    returnsInWindow: number;
  };
  now: Date;
  timeZone: string;
}): ReturnEvaluation {
  const { policy, order, request } = opts;
  const currency = order.currency;
  const decisions: Decision[] = [];
  if (request.lines.length === 0) decisions.push(decide('no_lines', 'rejected'));
  if (order.isGift && !policy.gift.enabled) decisions.push(decide('gift_returns_disabled', 'rejected'));

  const seen = new Set<string>();
  const priced: PricedLine[] = [];
  const lines = request.lines.map((req) => {
    const duplicate = seen.has(req.lineId);
    seen.add(req.lineId);
    const result = evaluateLine({ ...opts, request: req, resolution: request.resolution, duplicate });
    if (result.priced) priced.push(result.priced);
    return result.evaluation;
  });
  if (request.lines.length > 0 && priced.length === 0)
    decisions.push(decide('no_eligible_lines', 'rejected'));

  const value = priced.reduce((sum, l) => sum + lineValue(l), 0);
  if (order.isGift && policy.gift.enabled) decisions.push(decide('gift_credit_only', 'info'));

  const returnCost = amountIn(policy.keepIt.returnCostMinor, currency);
  const keepIt = policy.keepIt.enabled && priced.length > 0 && returnCost !== null && value < returnCost;
  if (keepIt)
    decisions.push(decide('keep_it', 'info', { valueMinor: value, returnCostMinor: returnCost, currency }));

  const choosable = choosableResolutions(policy, order.isGift);
  const resolution = request.resolution;
  if (resolution && !(choosable.includes(resolution) || (resolution === 'returnless' && keepIt))) {
    decisions.push(decide('resolution_not_offered', 'rejected', { resolution }));
  }

  const abuse = policy.abuse;
  // "More than N returns in D days": this request would be number returnsInWindow + 1.
  if (abuse.enabled && opts.customerHistory.returnsInWindow + 1 > abuse.maxReturns) {
    decisions.push(
      decide('abuse_limit', 'needs_review', {
        count: opts.customerHistory.returnsInWindow,
        maxReturns: abuse.maxReturns,
        periodDays: abuse.periodDays,
      }),
    );
  }
  const limit = amountIn(policy.review.valueAboveMinor, currency);
  if (limit !== null && value > limit) {
    decisions.push(
      decide('value_review', 'needs_review', { valueMinor: value, limitMinor: limit, currency }),
    );
  }

  const types: Resolution[] = keepIt ? ['returnless', ...choosable] : choosable;
  const offeredResolutions =
    priced.length === 0
      ? []
      : types.map((type) => buildOffer({ policy, type, lines: priced, currency, isGift: order.isGift }));

  const shippingFor: Resolution =
    resolution ?? (choosable.includes('refund') ? 'refund' : (choosable[0] ?? 'store_credit'));
  const returnShipping =
    priced.length === 0
      ? { paidBy: 'none' as const, costMinor: 0 }
      : returnShippingFor({ policy, resolution: shippingFor, lines: priced, currency });
  if (returnShipping.paidBy === 'customer') {
    decisions.push(
      decide('return_shipping_paid', 'info', {
        costMinor: returnShipping.costMinor,
        currency,
        resolution: shippingFor,
      }),
    );
  } else if (returnShipping.paidBy === 'merchant') {
    decisions.push(decide('return_shipping_free', 'info', { resolution: shippingFor }));
  }

  const eligibleLineDecisions = lines.filter((l) => l.eligible).flatMap((l) => l.reasons);
  const status: ReturnDecisionStatus = decisions.some((d) => d.outcome === 'rejected')
    ? 'rejected'
    : [...decisions, ...eligibleLineDecisions].some((d) => d.outcome === 'needs_review')
      ? 'needs_review'
      : 'approved';

  return { status, currency, lines, decisions, offeredResolutions, keepIt, returnShipping };
}
