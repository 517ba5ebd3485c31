import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluateReturn, type ReturnOrderLine, type ReturnRequest } from './evaluate.ts';
import { explain, explainAll, MESSAGES_EN, OFFER_NOTES, RULE_IDS } from './explain.ts';
import { DEFAULT_RETURN_POLICY, type ReturnPolicyInput, returnPolicy, returnPolicySchema } from './schema.ts';

const TZ = 'Europe/Stockholm';
// Monday 2 March 2026, 13:00 in Stockholm: far from the default holiday period.
const DELIVERED = new Date('2026-03-02T12:00:00Z');

function line(overrides: Partial<ReturnOrderLine> = {}): ReturnOrderLine {
  return {
    lineId: 'l1',
    sku: 'TEE-M',
    productId: 'p1',
    category: 'T-shirts',
    tags: [],
    unitPriceMinor: 5990,
    quantity: 2,
    quantityReturned: 0,
    ...overrides,
  };
}

function run(opts: {
  policy?: ReturnPolicyInput;
  lines?: ReturnOrderLine[];
  request?: Partial<ReturnRequest>;
  reason?: string;
  now?: string;
  deliveredAt?: Date | null;
  fulfilledAt?: Date | null;
  isGift?: boolean;
  currency?: string;
  returnsInWindow?: number;
}) {
  const lines = opts.lines ?? [line()];
  return evaluateReturn({
    policy: returnPolicySchema.parse(opts.policy ?? {}),
    order: {
      placedAt: new Date('2026-02-27T10:00:00Z'),
      currency: opts.currency ?? 'EUR',
      isGift: opts.isGift ?? false,
      lines,
      deliveredAt: opts.deliveredAt === undefined ? DELIVERED : opts.deliveredAt,
      fulfilledAt: opts.fulfilledAt === undefined ? new Date('2026-02-28T09:00:00Z') : opts.fulfilledAt,
      shippingCountry: 'SE',
    },
    request: {
      lines: lines.map((l) => ({
        lineId: l.lineId,
        quantity: 1,
        reason: opts.reason ?? 'changed_mind',
        hasPhotos: false,
      })),
      ...opts.request,
    },
    customerHistory: { returnsInWindow: opts.returnsInWindow ?? 0 },
    now: new Date(opts.now ?? '2026-03-10T10:00:00Z'),
    timeZone: TZ,
  });
}

const ruleIds = (ds: readonly { ruleId: string }[]) => ds.map((d) => d.ruleId);
const offer = (r: ReturnType<typeof run>, type: string) => r.offeredResolutions.find((o) => o.type === type);

describe('return window', () => {
  test('default: 30 days from the local delivery date, last day inclusive', () => {
    const r = run({});
    assert.equal(r.status, 'approved');
    assert.equal(r.lines[0]!.deadline, '2026-04-01');
    assert.deepEqual(ruleIds(r.lines[0]!.reasons), ['window_default']);
    assert.equal(run({ now: '2026-04-01T21:59:00Z' }).lines[0]!.eligible, true); // 23:59 in Stockholm
    const late = run({ now: '2026-04-01T22:00:00Z' });
    assert.equal(late.lines[0]!.eligible, false);
    assert.equal(late.status, 'rejected');
    assert.deepEqual(ruleIds(late.lines[0]!.reasons), ['window_closed']);
    assert.deepEqual(ruleIds(late.decisions), ['no_eligible_lines']);
  });

  test('a category window overrides the default and says which category matched', () => {
    const r = run({ policy: { window: { overrides: { category: { 't-shirts': 60 } } } } });
    const d = r.lines[0]!.reasons[0]!;
    assert.equal(d.ruleId, 'window_category');
    assert.deepEqual(d.params, { days: 60, deadline: '2026-05-01', source: 'category', matched: 't-shirts' });
  });

  test('SKU beats product beats tag beats category; the longest of several tags wins', () => {
    const overrides = { category: { 'T-shirts': 60 }, tag: { summer: 45, sale: 14 }, product: { p1: 20 } };
    const tagged = line({ tags: ['sale', 'Summer'] });
    const byTag = run({
      lines: [tagged],
      policy: { window: { overrides: { category: overrides.category, tag: overrides.tag } } },
    });
    assert.equal(byTag.lines[0]!.reasons[0]!.ruleId, 'window_tag');
    assert.equal(byTag.lines[0]!.reasons[0]!.params.days, 45);
    const byProduct = run({ lines: [tagged], policy: { window: { overrides } } });
    assert.equal(byProduct.lines[0]!.reasons[0]!.ruleId, 'window_product');
    const bySku = run({
      lines: [tagged],
      policy: { window: { overrides: { ...overrides, sku: { 'TEE-M': 7 } } } },
    });
    assert.equal(bySku.lines[0]!.deadline, '2026-03-09');
    // Now is 10 March: closed, and the decision still says which window applied.
    assert.equal(bySku.status, 'rejected');
    assert.equal(bySku.lines[0]!.reasons[0]!.ruleId, 'window_closed');
    assert.equal(bySku.lines[0]!.reasons[0]!.params.source, 'sku');
    const open = run({
      lines: [tagged],
      now: '2026-03-05T10:00:00Z',
      policy: { window: { overrides: { ...overrides, sku: { 'TEE-M': 7 } } } },
    });
    assert.equal(open.lines[0]!.reasons[0]!.ruleId, 'window_sku');
  });

  test('without a delivery scan the window counts from fulfilment; nothing shipped is not returnable', () => {
    const r = run({ deliveredAt: null });
    assert.deepEqual(ruleIds(r.lines[0]!.reasons), ['window_from_fulfilment', 'window_default']);
    assert.equal(r.lines[0]!.deadline, '2026-03-30');
    const unshipped = run({ deliveredAt: null, fulfilledAt: null });
    assert.deepEqual(ruleIds(unshipped.lines[0]!.reasons), ['not_shipped']);
    assert.equal(unshipped.status, 'rejected');
  });

  test('business days skip weekends and the holidays of the customer country (Swedish Easter)', () => {
    const r = run({
      policy: { window: { days: 5, dayKind: 'business', holidayPeriods: [] } },
      deliveredAt: new Date('2026-04-02T10:00:00Z'), // Thursday before Good Friday
      now: '2026-04-10T10:00:00Z',
    });
    // Good Friday 3 April and Easter Monday 6 April are closed: 7, 8, 9, 10, 13 April.
    assert.equal(r.lines[0]!.deadline, '2026-04-13');
    assert.equal(r.status, 'approved');
  });

  test('holiday extension: delivered 15 Nov - 31 Dec returnable until 31 January', () => {
    const r = run({ deliveredAt: new Date('2026-11-20T10:00:00Z'), now: '2027-01-20T10:00:00Z' });
    const d = r.lines[0]!.reasons[0]!;
    assert.equal(d.ruleId, 'window_holiday');
    assert.equal(r.lines[0]!.deadline, '2027-01-31');
    assert.equal(r.status, 'approved');
    const before = run({ deliveredAt: new Date('2026-11-10T10:00:00Z'), now: '2026-12-05T10:00:00Z' });
    assert.equal(before.lines[0]!.deadline, '2026-12-10');
    assert.equal(before.lines[0]!.reasons[0]!.ruleId, 'window_default');
    // A longer ordinary window is never shortened by the holiday date.
    const long = run({
      policy: { window: { days: 90 } },
      deliveredAt: new Date('2026-12-20T10:00:00Z'),
      now: '2027-01-02T10:00:00Z',
    });
    assert.equal(long.lines[0]!.deadline, '2027-03-20');
    assert.equal(long.lines[0]!.reasons[0]!.ruleId, 'window_default');
  });

  test('a holiday period may wrap the new year', () => {
    const policy = {
      window: {
        holidayPeriods: [{ id: 'x', deliveredFrom: '12-20', deliveredTo: '01-05', returnableUntil: '02-28' }],
      },
    };
    const r = run({ policy, deliveredAt: new Date('2027-01-03T10:00:00Z'), now: '2027-02-20T10:00:00Z' });
    assert.equal(r.lines[0]!.deadline, '2027-02-28');
    assert.equal(r.status, 'approved');
  });
});

describe('what can be returned', () => {
  test('final sale by tag (any case), product list, or the line flag', () => {
    const byTag = run({ lines: [line({ tags: ['Final-Sale'] })] });
    assert.equal(byTag.status, 'rejected');
    assert.deepEqual(byTag.lines[0]!.reasons[0]!.params, { matchedBy: 'tag', matched: 'Final-Sale' });
    const byFlag = run({ lines: [line({ finalSale: true })] });
    assert.equal(byFlag.lines[0]!.reasons[0]!.ruleId, 'final_sale');
    const bySku = run({ policy: { finalSale: { skus: ['TEE-M'] } } });
    assert.equal(bySku.lines[0]!.reasons[0]!.params.matchedBy, 'sku');
    const byCategory = run({ lines: [line({ category: 'Underwear' })] });
    assert.equal(byCategory.lines[0]!.reasons[0]!.params.matchedBy, 'category');
  });

  test('impossible quantities are rejected decisions, not exceptions', () => {
    const over = run({
      request: { lines: [{ lineId: 'l1', quantity: 3, reason: 'changed_mind', hasPhotos: false }] },
    });
    assert.equal(over.lines[0]!.reasons[0]!.ruleId, 'quantity_exceeds_purchase');
    assert.deepEqual(over.lines[0]!.reasons[0]!.params, { requested: 3, purchased: 2 });
    assert.equal(over.lines[0]!.quantityAllowed, 0);
    assert.equal(over.status, 'rejected');
    const done = run({ lines: [line({ quantityReturned: 2 })] });
    assert.equal(done.lines[0]!.reasons[0]!.ruleId, 'already_returned');
    const partly = run({
      lines: [line({ quantityReturned: 1 })],
      request: { lines: [{ lineId: 'l1', quantity: 2, reason: 'changed_mind', hasPhotos: false }] },
    });
    assert.deepEqual(partly.lines[0]!.reasons[0]!.params, { requested: 2, remaining: 1, returned: 1 });
    const zero = run({
      request: { lines: [{ lineId: 'l1', quantity: 0, reason: 'changed_mind', hasPhotos: false }] },
    });
    assert.equal(zero.lines[0]!.reasons[0]!.ruleId, 'quantity_invalid');
  });

  test('lines not in the order, listed twice, or no lines at all', () => {
    const r = run({
      request: {
        lines: [
          { lineId: 'l1', quantity: 1, reason: 'changed_mind', hasPhotos: false },
          { lineId: 'l1', quantity: 1, reason: 'changed_mind', hasPhotos: false },
          { lineId: 'nope', quantity: 1, reason: 'changed_mind', hasPhotos: false },
        ],
      },
    });
    assert.deepEqual(
      r.lines.map((l) => [l.lineId, l.eligible, l.reasons.at(-1)!.ruleId]),
      [
        ['l1', true, 'window_default'],
        ['l1', false, 'duplicate_line'],
        ['nope', false, 'line_not_in_order'],
      ],
    );
    assert.equal(r.status, 'approved'); // the good line goes ahead; the others are explained
    assert.equal(r.offeredResolutions[0]!.amountMinor + r.offeredResolutions[0]!.shippingCostMinor, 5990);
    const empty = run({ request: { lines: [] } });
    assert.equal(empty.status, 'rejected');
    assert.deepEqual(ruleIds(empty.decisions), ['no_lines']);
  });
});

describe('reasons and review', () => {
  test('damaged without photos goes to review by default, or is rejected when the policy says so', () => {
    const r = run({ reason: 'damaged' });
    assert.equal(r.status, 'needs_review');
    assert.deepEqual(ruleIds(r.lines[0]!.reasons), [
      'window_default',
      'photos_missing',
      'reason_review',
      'merchant_fault',
    ]);
    const strict = run({ reason: 'damaged', policy: { review: { onMissingPhotos: 'rejected' } } });
    assert.equal(strict.status, 'rejected');
    assert.equal(strict.lines[0]!.reasons[1]!.outcome, 'rejected');
  });

  test('wrong item with photos is approved; other without a comment is rejected', () => {
    const lines = [line()];
    const ok = run({
      lines,
      request: { lines: [{ lineId: 'l1', quantity: 1, reason: 'wrong_item', hasPhotos: true }] },
    });
    assert.equal(ok.status, 'approved');
    const noComment = run({ reason: 'other' });
    assert.equal(noComment.lines[0]!.reasons.at(-1)!.ruleId, 'comment_missing');
    assert.equal(noComment.status, 'rejected');
    const withComment = run({
      request: {
        lines: [{ lineId: 'l1', quantity: 1, reason: 'other', hasPhotos: false, comment: 'itchy' }],
      },
    });
    assert.equal(withComment.status, 'approved');
  });

  test('reasons with sub-reasons need a known one; unknown reasons are rejected', () => {
    assert.equal(run({ reason: 'fit' }).lines[0]!.reasons.at(-1)!.ruleId, 'sub_reason_required');
    const bad = run({
      request: {
        lines: [{ lineId: 'l1', quantity: 1, reason: 'fit', subReason: 'weird', hasPhotos: false }],
      },
    });
    assert.equal(bad.lines[0]!.reasons.at(-1)!.ruleId, 'sub_reason_unknown');
    const good = run({
      request: {
        lines: [{ lineId: 'l1', quantity: 1, reason: 'fit', subReason: 'too_small', hasPhotos: false }],
      },
    });
    assert.equal(good.status, 'approved');
    assert.equal(run({ reason: 'meh' }).lines[0]!.reasons.at(-1)!.ruleId, 'reason_unknown');
  });

  test('abuse limit: more than N returns in the period goes to review', () => {
    assert.equal(run({ returnsInWindow: 4 }).status, 'approved');
    const r = run({ returnsInWindow: 5 });
    assert.equal(r.status, 'needs_review');
    assert.deepEqual(r.decisions.find((d) => d.ruleId === 'abuse_limit')!.params, {
      count: 5,
      maxReturns: 5,
      periodDays: 365,
    });
    assert.equal(run({ returnsInWindow: 50, policy: { abuse: { enabled: false } } }).status, 'approved');
  });

  test('returns worth more than the review limit go to review', () => {
    const r = run({ lines: [line({ unitPriceMinor: 30001 })] });
    assert.equal(r.status, 'needs_review');
    assert.ok(ruleIds(r.decisions).includes('value_review'));
    assert.equal(run({ lines: [line({ unitPriceMinor: 30000 })] }).status, 'approved');
  });
});

describe('resolutions and money', () => {
  test('return shipping: free for exchanges and credit, paid (deducted) for refunds, free when our fault', () => {
    const r = run({});
    assert.deepEqual(r.returnShipping, { paidBy: 'customer', costMinor: 495 });
    assert.deepEqual(
      [
        offer(r, 'refund')!.shippingCostMinor,
        offer(r, 'refund')!.amountMinor,
        offer(r, 'exchange_variant')!.shippingCostMinor,
      ],
      [495, 5495, 0],
    );
    assert.deepEqual(run({ request: { resolution: 'exchange_variant' } }).returnShipping, {
      paidBy: 'merchant',
      costMinor: 0,
    });
    const faulty = run({
      request: { lines: [{ lineId: 'l1', quantity: 1, reason: 'wrong_item', hasPhotos: true }] },
    });
    assert.equal(offer(faulty, 'refund')!.shippingCostMinor, 0);
    assert.deepEqual(faulty.returnShipping, { paidBy: 'merchant', costMinor: 0 });
    // No price for the order's currency means no charge.
    assert.equal(run({ currency: 'NOK' }).returnShipping.paidBy, 'merchant');
  });

  test('store credit bonus: percent of the credit (rounded down) or flat; never on refunds', () => {
    const r = run({});
    assert.equal(offer(r, 'store_credit')!.bonusMinor, 599);
    assert.equal(offer(r, 'store_credit')!.note.messageKey, 'returns.policy.offer.store_credit_bonus');
    assert.equal(offer(r, 'exchange_product')!.bonusMinor, 599);
    assert.equal(offer(r, 'refund')!.bonusMinor, undefined);
    const flat = run({ policy: { bonus: { kind: 'flat', flatMinor: { EUR: 500 } } } });
    assert.equal(offer(flat, 'store_credit')!.bonusMinor, 500);
    assert.equal(offer(run({ policy: { bonus: { kind: 'none' } } }), 'store_credit')!.bonusMinor, undefined);
  });

  test('restocking fee per resolution: percent or flat per unit, capped, waived when our fault', () => {
    const policy: ReturnPolicyInput = {
      restockingFees: {
        refund: { kind: 'percent', percent: 15 },
        store_credit: { kind: 'flat', perUnitMinor: { EUR: 300 } },
      },
    };
    const r = run({
      policy,
      request: { lines: [{ lineId: 'l1', quantity: 2, reason: 'changed_mind', hasPhotos: false }] },
    });
    assert.equal(r.lines[0]!.fee, 1797); // 15 % of 11 980
    assert.ok(ruleIds(r.lines[0]!.reasons).includes('restocking_fee'));
    assert.deepEqual([offer(r, 'refund')!.fee, offer(r, 'refund')!.amountMinor], [1797, 11980 - 1797 - 495]);
    assert.equal(offer(r, 'store_credit')!.fee, 600);
    assert.equal(offer(r, 'exchange_variant')!.fee, 0);
    const faulty = run({
      policy,
      request: { lines: [{ lineId: 'l1', quantity: 2, reason: 'wrong_item', hasPhotos: true }] },
    });
    assert.equal(offer(faulty, 'refund')!.fee, 0);
  });

  test('gift orders: credit or exchange for the recipient, never a refund to the buyer', () => {
    const r = run({ isGift: true });
    assert.equal(r.status, 'approved');
    assert.ok(ruleIds(r.decisions).includes('gift_credit_only'));
    assert.deepEqual(
      r.offeredResolutions.map((o) => o.type),
      ['store_credit', 'gift_voucher', 'exchange_variant', 'exchange_product'],
    );
    const refund = run({ isGift: true, request: { resolution: 'refund' } });
    assert.equal(refund.status, 'rejected');
    assert.ok(ruleIds(refund.decisions).includes('resolution_not_offered'));
    const cheap = run({ isGift: true, lines: [line({ unitPriceMinor: 500 })] });
    assert.equal(offer(cheap, 'returnless')!.paidAs, 'store_credit');
    assert.equal(run({ isGift: true, policy: { gift: { enabled: false } } }).status, 'rejected');
  });

  test('keep it: items worth less than a return costs are offered returnless first', () => {
    const r = run({ lines: [line({ unitPriceMinor: 799 })] });
    assert.equal(r.keepIt, true);
    assert.deepEqual(
      {
        type: r.offeredResolutions[0]!.type,
        amount: r.offeredResolutions[0]!.amountMinor,
        paidAs: r.offeredResolutions[0]!.paidAs,
      },
      { type: 'returnless', amount: 799, paidAs: 'original_payment' },
    );
    assert.equal(run({ lines: [line({ unitPriceMinor: 800 })] }).keepIt, false);
    const chosen = run({ lines: [line({ unitPriceMinor: 799 })], request: { resolution: 'returnless' } });
    assert.equal(chosen.status, 'approved');
    assert.deepEqual(chosen.returnShipping, { paidBy: 'none', costMinor: 0 });
    assert.equal(run({ request: { resolution: 'returnless' } }).status, 'rejected');
  });

  test('instant exchange: hold or charge, described as data and text', () => {
    const hold = offer(run({}), 'instant_exchange')!;
    assert.deepEqual(hold.instantExchange, { mode: 'hold', cardAmountMinor: 5990, returnWithinDays: 7 });
    assert.match(explain(hold.note), /hold €59\.90 on your card .* within 7 days/);
    const nominal = offer(
      run({ policy: { resolutions: { instantExchange: { holdAmount: 'nominal' } } } }),
      'instant_exchange',
    )!;
    assert.equal(nominal.instantExchange!.cardAmountMinor, 100);
    const charge = offer(
      run({ policy: { resolutions: { instantExchange: { mode: 'charge' } } } }),
      'instant_exchange',
    )!;
    assert.equal(charge.note.messageKey, 'returns.policy.offer.instant_exchange_charge');
    const notOffered = run({
      policy: { resolutions: { offered: ['refund'] } },
      request: { resolution: 'instant_exchange' },
    });
    assert.equal(notOffered.status, 'rejected');
  });
});

describe('policy data and explanations', () => {
  test('defaults parse; a broken stored policy falls back to them', () => {
    assert.equal(DEFAULT_RETURN_POLICY.window.days, 30);
    assert.deepEqual(returnPolicy({ returns: { window: { days: -1 } } }), DEFAULT_RETURN_POLICY);
    assert.equal(returnPolicy({ returns: { window: { days: 14 } } }).window.days, 14);
    assert.equal(returnPolicySchema.safeParse({ resolutions: { offered: ['returnless'] } }).success, false);
  });

  test('every rule and offer note has English text, and decisions render', () => {
    for (const id of RULE_IDS) assert.ok(MESSAGES_EN[`returns.policy.${id}`], id);
    for (const n of OFFER_NOTES) assert.ok(MESSAGES_EN[`returns.policy.offer.${n}`], n);
    const r = run({ currency: 'SEK', lines: [line({ unitPriceMinor: 59900 })] });
    // Intl separates the amount from "kr" with a no-break space.
    const text = explainAll(r, { locale: 'sv' }).map((t) => t.replace(/\s/g, ' '));
    assert.ok(
      text.includes(
        '[info] return_shipping_paid: Return shipping costs 59,00 kr, deducted from the amount you get back.',
      ),
      text.join('\n'),
    );
    assert.ok(text.includes('[pass] l1 window_default: Returnable within 30 days, until 2026-04-01.'));
  });
});
