import { formatMoney } from '../../../lib/money.ts';

/**
 * Every decision of the returns policy names the rule that made it and carries a message key plus
 * parameters, so the portal and the merchant's queue can say why in the reader's language. Keys are
 * `returns.policy.<ruleId>` (offers: `returns.policy.offer.<kind>`); the English text below is the source
 * for the locale catalogues. Parameters ending in `Minor` are money in `currency`; dates are 'YYYY-MM-DD'.
 */
export const RULE_IDS = [
  // request as a whole
  'no_lines',
  'no_eligible_lines',
  'resolution_not_offered',
  'gift_returns_disabled',
  'gift_credit_only',
  'abuse_limit',
  'value_review',
  'keep_it',
  'return_shipping_free',
  'return_shipping_paid',
  // per line: impossible requests
  'line_not_in_order',
  'duplicate_line',
  'quantity_invalid',
  'quantity_exceeds_purchase',
  'already_returned',
  'quantity_exceeds_remaining',
  // per line: policy
  'final_sale',
  'not_shipped',
  'window_default',
  'window_category',
  'window_tag',
  'window_product',
  'window_sku',
  'window_holiday',
  'window_from_fulfilment',
  'window_closed',
  'reason_unknown',
  'sub_reason_required',
  'sub_reason_unknown',
  'photos_missing',
  'comment_missing',
  'reason_review',
  'merchant_fault',
  'restocking_fee',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** pass: a rule allowed it; info: something the customer should know; the other two decide the status. */
export type Outcome = 'pass' | 'info' | 'needs_review' | 'rejected';
export type Params = Readonly<Record<string, string | number>>;

export interface Message {
  messageKey: string;
  params: Params;
}

export interface Decision extends Message {
  ruleId: RuleId;
  outcome: Outcome;
}

export const OFFER_NOTES = [
  'refund',
  'store_credit',
  'store_credit_bonus',
  'exchange_variant',
  'exchange_product',
  'exchange_product_bonus',
  'gift_voucher',
  'instant_exchange_hold',
  'instant_exchange_charge',
  'returnless_refund',
  'returnless_credit',
] as const;
export type OfferNote = (typeof OFFER_NOTES)[number];

export function decide(ruleId: RuleId, outcome: Outcome, params: Params = {}): Decision {
  return { ruleId, outcome, messageKey: `returns.policy.${ruleId}`, params };
}

export function offerNote(note: OfferNote, params: Params = {}): Message {
  return { messageKey: `returns.policy.offer.${note}`, params };
}

/** English source text of every key, `{param}` placeholders as in src/locales. */
export const MESSAGES_EN: Readonly<Record<string, string>> = {
  'returns.policy.no_lines': 'Choose at least one item to return.',
  'returns.policy.no_eligible_lines': 'None of the chosen items can be returned.',
  'returns.policy.resolution_not_offered': 'This option is not available for this return.',
  'returns.policy.gift_returns_disabled': 'Items received as a gift cannot be returned.',
  'returns.policy.gift_credit_only':
    'This was a gift: you receive store credit or an exchange, and the buyer is not refunded.',
  'returns.policy.abuse_limit': 'Our team will review this return before it is approved.',
  'returns.policy.value_review': 'Returns worth more than {limitMinor} are checked by our team first.',
  'returns.policy.keep_it': 'Keep the items: sending them back would cost more than they are worth.',
  'returns.policy.return_shipping_free': 'Return shipping is free.',
  'returns.policy.return_shipping_paid':
    'Return shipping costs {costMinor}, deducted from the amount you get back.',
  'returns.policy.line_not_in_order': 'This item is not part of the order.',
  'returns.policy.duplicate_line': 'This item was listed more than once.',
  'returns.policy.quantity_invalid': 'Choose how many of this item to return.',
  'returns.policy.quantity_exceeds_purchase':
    'You asked to return {requested}, but the order has {purchased}.',
  'returns.policy.already_returned': 'This item has already been returned.',
  'returns.policy.quantity_exceeds_remaining':
    'Only {remaining} of this item can still be returned ({returned} already returned).',
  'returns.policy.final_sale': 'This item was a final sale and cannot be returned.',
  'returns.policy.not_shipped':
    'This item has not shipped yet, so it cannot be returned (it can be cancelled).',
  'returns.policy.window_default': 'Returnable within {days} days, until {deadline}.',
  'returns.policy.window_category':
    'Items in this category are returnable within {days} days, until {deadline}.',
  'returns.policy.window_tag': 'This item is returnable within {days} days, until {deadline}.',
  'returns.policy.window_product': 'This product is returnable within {days} days, until {deadline}.',
  'returns.policy.window_sku': 'This item is returnable within {days} days, until {deadline}.',
  'returns.policy.window_holiday':
    'Holiday returns: delivered between {from} and {to}, so returnable until {deadline}.',
  'returns.policy.window_from_fulfilment':
    'We have no delivery scan, so the return window counts from the day it shipped ({startDate}).',
  'returns.policy.window_closed': 'The return window for this item closed on {deadline}.',
  'returns.policy.reason_unknown': 'Choose a reason for returning this item.',
  'returns.policy.sub_reason_required': 'Tell us a little more about the reason.',
  'returns.policy.sub_reason_unknown': 'Choose one of the listed details for the reason.',
  'returns.policy.photos_missing': 'Please add photos for this reason.',
  'returns.policy.comment_missing': 'Please add a comment for this reason.',
  'returns.policy.reason_review': 'Our team checks returns for this reason before approving them.',
  'returns.policy.merchant_fault': 'No fees and no return shipping cost: the problem was on our side.',
  'returns.policy.restocking_fee': 'A restocking fee of {feeMinor} applies.',
  'returns.policy.offer.refund': 'Refund to your original payment method.',
  'returns.policy.offer.store_credit': 'Store credit to spend in our shop.',
  'returns.policy.offer.store_credit_bonus': 'Store credit, with {bonusMinor} extra as a thank-you.',
  'returns.policy.offer.exchange_variant': 'Exchange for another size or colour of the same item.',
  'returns.policy.offer.exchange_product':
    'Exchange for a different product, using the value of your return.',
  'returns.policy.offer.exchange_product_bonus':
    'Exchange for a different product, with {bonusMinor} extra to spend.',
  'returns.policy.offer.gift_voucher': 'A gift voucher for the value of your return.',
  'returns.policy.offer.instant_exchange_hold':
    'Your new item ships right away. We hold {holdMinor} on your card and charge {valueMinor} only if the carrier has not scanned your return within {days} days.',
  'returns.policy.offer.instant_exchange_charge':
    'Your new item ships right away. We charge {valueMinor} now and refund it when the carrier scans your return (within {days} days).',
  'returns.policy.offer.returnless_refund': 'Keep the items and get {amountMinor} back.',
  'returns.policy.offer.returnless_credit': 'Keep the items and get {amountMinor} in store credit.',
};

/**
 * Renders a message: `{param}` from params, money formatted for the locale. `messages` is a catalogue
 * (English by default); an unknown key renders as the key itself so a missing translation shows, not hides.
 */
export function explain(
  message: Message,
  opts: { locale?: string; messages?: Readonly<Record<string, string>> } = {},
): string {
  const locale = opts.locale ?? 'en';
  const template = (opts.messages ?? MESSAGES_EN)[message.messageKey] ?? message.messageKey;
  const currency = typeof message.params.currency === 'string' ? message.params.currency : null;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = message.params[name];
    if (value === undefined) return whole;
    if (name.endsWith('Minor') && currency && typeof value === 'number') {
      return formatMoney(value, currency, locale);
    }
    return String(value);
  });
}

/** Every decision of an evaluation as text, overall first, for logs and the merchant's queue. */
export function explainAll(
  evaluation: {
    decisions: readonly Decision[];
    lines: readonly { lineId: string; reasons: readonly Decision[] }[];
  },
  opts: { locale?: string; messages?: Readonly<Record<string, string>> } = {},
): string[] {
  return [
    ...evaluation.decisions.map((d) => `[${d.outcome}] ${d.ruleId}: ${explain(d, opts)}`),
    ...evaluation.lines.flatMap((l) =>
      l.reasons.map((d) => `[${d.outcome}] ${l.lineId} ${d.ruleId}: ${explain(d, opts)}`),
    ),
  ];
}
