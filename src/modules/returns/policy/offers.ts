import type { Resolution } from '../status.ts';
import { type Message, offerNote } from './explain.ts';
import type { ReturnPolicy } from './schema.ts';

/**
 * Money for a return: restocking fees, return shipping, bonus credit and the offers built from them.
 * All amounts are integer minor units of the order's currency. What the customer gets back plus the fees
 * and shipping kept never exceeds what they paid for the items: fees and shipping are capped, not owed.
 */

export type PaidAs = 'original_payment' | 'store_credit' | 'gift_voucher' | 'exchange';

export interface ReturnShipping {
  paidBy: 'customer' | 'merchant' | 'none';
  costMinor: number;
}

export interface OfferedResolution {
  type: Resolution;
  /** What the customer gets (refund, credit, or value towards the exchange), after fees and shipping. */
  amountMinor: number;
  /** Extra credit on top of amountMinor, present only when the bonus applies. */
  bonusMinor?: number;
  /** Restocking fees kept, all lines. */
  fee: number;
  /** Return shipping paid by the customer, deducted from amountMinor. */
  shippingCostMinor: number;
  paidAs: PaidAs;
  note: Message;
  /** Instant exchange only: how the card secures the new item until the return is scanned. */
  instantExchange?: {
    mode: 'hold' | 'charge';
    /** Authorised (hold) or charged (charge) now. */
    cardAmountMinor: number;
    /** Charged when the carrier has not scanned the return by then. */
    returnWithinDays: number;
  };
}

/** A line as the money rules see it: units approved for return and whether it was the shop's fault. */
export interface PricedLine {
  unitPriceMinor: number;
  quantity: number;
  merchantFault: boolean;
}

export function amountIn(amounts: Readonly<Record<string, number>>, currency: string): number | null {
  return Object.hasOwn(amounts, currency) ? amounts[currency]! : null;
}

/** Percent as basis points so fractional percents (2.5 %) stay in integer arithmetic; rounds down. */
export function percentOf(amountMinor: number, percent: number): number {
  return Math.floor((amountMinor * Math.round(percent * 100)) / 10_000);
}

export function lineValue(line: PricedLine): number {
  return line.unitPriceMinor * line.quantity;
}

/** The restocking fee on one line for a resolution: none when the shop was at fault; at most the line's value. */
export function restockingFee(opts: {
  policy: ReturnPolicy;
  resolution: Resolution;
  line: PricedLine;
  currency: string;
}): number {
  const fee = opts.policy.restockingFees[opts.resolution];
  if (!fee || opts.line.merchantFault) return 0;
  const value = lineValue(opts.line);
  const raw =
    fee.kind === 'percent'
      ? percentOf(value, fee.percent)
      : (amountIn(fee.perUnitMinor, opts.currency) ?? 0) * opts.line.quantity;
  return Math.min(raw, value);
}

/**
 * Who pays the label. Returnless sends nothing back. A line the shop got wrong makes the whole parcel free
 * (it has to come back anyway). Otherwise the customer pays for resolutions the policy lists, when the
 * cost is set in the order's currency.
 */
export function returnShippingFor(opts: {
  policy: ReturnPolicy;
  resolution: Resolution;
  lines: readonly PricedLine[];
  currency: string;
}): ReturnShipping {
  if (opts.resolution === 'returnless') return { paidBy: 'none', costMinor: 0 };
  const rs = opts.policy.returnShipping;
  const cost = amountIn(rs.customerCostMinor, opts.currency);
  const customerPays =
    rs.customerPaysFor.includes(opts.resolution) && !opts.lines.some((l) => l.merchantFault) && cost;
  return customerPays ? { paidBy: 'customer', costMinor: cost } : { paidBy: 'merchant', costMinor: 0 };
}

/** Resolutions the customer may choose: the gift list for gifts (never a refund), else the policy's list. */
export function choosableResolutions(policy: ReturnPolicy, isGift: boolean): Resolution[] {
  if (isGift) return policy.gift.resolutions.filter((r) => r !== 'refund');
  return [...policy.resolutions.offered];
}

function bonusFor(policy: ReturnPolicy, type: Resolution, amountMinor: number, currency: string): number {
  const b = policy.bonus;
  if (!b.appliesTo.includes(type) || amountMinor === 0) return 0;
  if (b.kind === 'percent') return percentOf(amountMinor, b.percent);
  if (b.kind === 'flat') return amountIn(b.flatMinor, currency) ?? 0;
  return 0;
}

const PAID_AS: Record<Resolution, PaidAs> = {
  refund: 'original_payment',
  store_credit: 'store_credit',
  gift_voucher: 'gift_voucher',
  exchange_variant: 'exchange',
  exchange_product: 'exchange',
  instant_exchange: 'exchange',
  returnless: 'original_payment',
};

/** One offer for a resolution over the approved lines. */
export function buildOffer(opts: {
  policy: ReturnPolicy;
  type: Resolution;
  lines: readonly PricedLine[];
  currency: string;
  isGift: boolean;
}): OfferedResolution {
  const { policy, type, lines, currency } = opts;
  const value = lines.reduce((sum, l) => sum + lineValue(l), 0);
  const fee = lines.reduce(
    (sum, l) => sum + restockingFee({ policy, resolution: type, line: l, currency }),
    0,
  );
  const shipping = returnShippingFor({ policy, resolution: type, lines, currency });
  const shippingCostMinor = Math.min(shipping.costMinor, value - fee);
  const amountMinor = value - fee - shippingCostMinor;
  const bonusMinor = bonusFor(policy, type, amountMinor, currency);
  const base = { type, amountMinor, fee, shippingCostMinor, ...(bonusMinor > 0 ? { bonusMinor } : {}) };
  const params = { currency, amountMinor, valueMinor: value, bonusMinor };

  if (type === 'returnless') {
    // A gift's buyer is never refunded, whatever the keep-it setting says.
    const credit = opts.isGift || policy.keepIt.paidAs === 'store_credit';
    return {
      ...base,
      paidAs: credit ? 'store_credit' : 'original_payment',
      note: offerNote(credit ? 'returnless_credit' : 'returnless_refund', params),
    };
  }
  if (type === 'instant_exchange') {
    const ie = policy.resolutions.instantExchange;
    const nominal = amountIn(ie.nominalHoldMinor, currency);
    // Without a nominal amount in this currency the hold falls back to the full value: never secure less.
    const cardAmountMinor =
      ie.mode === 'hold' && ie.holdAmount === 'nominal' && nominal !== null ? nominal : value;
    return {
      ...base,
      paidAs: 'exchange',
      instantExchange: { mode: ie.mode, cardAmountMinor, returnWithinDays: ie.returnWithinDays },
      note: offerNote(ie.mode === 'hold' ? 'instant_exchange_hold' : 'instant_exchange_charge', {
        ...params,
        holdMinor: cardAmountMinor,
        days: ie.returnWithinDays,
      }),
    };
  }
  const withBonus = bonusMinor > 0 && (type === 'store_credit' || type === 'exchange_product');
  const note = withBonus ? (`${type}_bonus` as const) : type;
  return { ...base, paidAs: PAID_AS[type], note: offerNote(note, params) };
}
