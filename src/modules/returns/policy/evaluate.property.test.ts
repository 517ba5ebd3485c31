import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { evaluateReturn, type ReturnOrderLine } from './evaluate.ts';
import { type ReturnPolicyInput, returnPolicySchema } from './schema.ts';

const ZONES = [
  'America/Sao_Paulo',
  'Europe/Stockholm',
  'Europe/Madrid',
  'America/Los_Angeles',
  'Pacific/Auckland',
  'UTC',
] as const;
const MINUTE = 60_000;

const instant = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2040-12-31T00:00:00Z'),
  noInvalidDate: true,
});

function evaluateAt(opts: {
  policy: ReturnPolicyInput;
  deliveredAt: Date;
  now: Date;
  timeZone: string;
  lines?: ReturnOrderLine[];
  quantities?: number[];
  resolution?: 'refund';
  currency?: string;
}) {
  const lines = opts.lines ?? [
    {
      lineId: 'l1',
      sku: null,
      productId: null,
      category: null,
      tags: [],
      unitPriceMinor: 4990,
      quantity: 1,
      quantityReturned: 0,
    },
  ];
  return evaluateReturn({
    policy: returnPolicySchema.parse(opts.policy),
    order: {
      placedAt: new Date(opts.deliveredAt.getTime() - 3 * 86_400_000),
      currency: opts.currency ?? 'EUR',
      isGift: false,
      lines,
      deliveredAt: opts.deliveredAt,
      fulfilledAt: null,
      shippingCountry: 'SE',
    },
    request: {
      lines: lines.map((l, i) => ({
        lineId: l.lineId,
        quantity: opts.quantities?.[i] ?? 1,
        reason: 'changed_mind',
        hasPhotos: false,
      })),
      ...(opts.resolution ? { resolution: opts.resolution } : {}),
    },
    customerHistory: { returnsInWindow: 0 },
    now: opts.now,
    timeZone: opts.timeZone,
  });
}

/** The reference: local delivery date plus n days, over by the next local midnight (computed apart from the engine). */
function expectedEnd(deliveredAt: Date, days: number, timeZone: string): { deadline: string; end: Date } {
  const local = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  })
    .format(deliveredAt)
    .slice(0, 10);
  const [y, m, d] = local.split('-').map(Number) as [number, number, number];
  const deadline = new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
  const next = new Date(Date.UTC(y, m - 1, d + days + 1)).toISOString().slice(0, 10);
  return { deadline, end: DateTime.fromISO(next, { zone: timeZone }).startOf('day').toJSDate() };
}

describe('return policy properties', () => {
  test('the deadline is the end of its local day: a minute before is eligible, a minute after is not', () => {
    fc.assert(
      fc.property(
        instant,
        fc.constantFrom(...ZONES),
        fc.integer({ min: 0, max: 120 }),
        (deliveredAt, timeZone, days) => {
          const policy = { window: { days, holidayPeriods: [] } };
          const { deadline, end } = expectedEnd(deliveredAt, days, timeZone);
          const before = evaluateAt({ policy, deliveredAt, timeZone, now: new Date(end.getTime() - MINUTE) });
          const after = evaluateAt({ policy, deliveredAt, timeZone, now: new Date(end.getTime() + MINUTE) });
          assert.equal(before.lines[0]!.deadline, deadline);
          assert.equal(before.lines[0]!.eligible, true);
          assert.equal(after.lines[0]!.eligible, false);
          assert.equal(after.lines[0]!.reasons[0]!.ruleId, 'window_closed');
        },
      ),
      { numRuns: 300 },
    );
  });

  test('eligibility is monotonic in time: once closed, never open again (calendar, business, holidays)', () => {
    fc.assert(
      fc.property(
        instant,
        fc.constantFrom(...ZONES),
        fc.integer({ min: 0, max: 60 }),
        fc.constantFrom('calendar' as const, 'business' as const),
        fc.array(fc.integer({ min: -2 * 1440, max: 150 * 1440 }), { minLength: 2, maxLength: 25 }),
        (deliveredAt, timeZone, days, dayKind, offsetsMinutes) => {
          const policy = { window: { days, dayKind } }; // default holiday period included
          const seq = [...offsetsMinutes]
            .sort((a, b) => a - b)
            .map(
              (m) =>
                evaluateAt({
                  policy,
                  deliveredAt,
                  timeZone,
                  now: new Date(deliveredAt.getTime() + m * MINUTE),
                }).lines[0]!.eligible,
            );
          const firstClosed = seq.indexOf(false);
          if (firstClosed >= 0)
            assert.ok(
              seq.slice(firstClosed).every((e) => !e),
              JSON.stringify(seq),
            );
        },
      ),
      { numRuns: 150 },
    );
  });

  test('what the customer gets plus fees and shipping never exceeds what they paid; all amounts are integers', () => {
    const fee = fc.oneof(
      fc.record({
        kind: fc.constant('percent' as const),
        percent: fc.double({ min: 0, max: 100, noNaN: true }),
      }),
      fc.record({
        kind: fc.constant('flat' as const),
        perUnitMinor: fc.record({ EUR: fc.integer({ min: 0, max: 100_000 }) }),
      }),
    );
    const policy = fc.record({
      restockingFees: fc.record(
        { refund: fee, store_credit: fee, exchange_product: fee, instant_exchange: fee },
        { requiredKeys: [] },
      ),
      returnShipping: fc.record({
        customerCostMinor: fc.record({ EUR: fc.integer({ min: 0, max: 100_000 }) }),
      }),
      keepIt: fc.record({ returnCostMinor: fc.record({ EUR: fc.integer({ min: 0, max: 100_000 }) }) }),
      bonus: fc.record({
        kind: fc.constantFrom('none' as const, 'percent' as const, 'flat' as const),
        percent: fc.double({ min: 0, max: 100, noNaN: true }),
        flatMinor: fc.record({ EUR: fc.integer({ min: 0, max: 100_000 }) }),
      }),
    });
    const orderLine = fc.record({
      unitPriceMinor: fc.integer({ min: 0, max: 5_000_000 }),
      quantity: fc.integer({ min: 1, max: 5 }),
      quantityReturned: fc.integer({ min: 0, max: 5 }),
      requested: fc.integer({ min: 0, max: 6 }),
    });
    fc.assert(
      fc.property(
        policy,
        fc.array(orderLine, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (p, raw, pickRefund) => {
          const lines: ReturnOrderLine[] = raw.map((l, i) => ({
            lineId: `l${i}`,
            sku: null,
            productId: null,
            category: null,
            tags: [],
            unitPriceMinor: l.unitPriceMinor,
            quantity: l.quantity,
            quantityReturned: l.quantityReturned,
          }));
          const deliveredAt = new Date('2026-03-02T12:00:00Z');
          const r = evaluateAt({
            policy: p,
            deliveredAt,
            timeZone: 'Europe/Madrid',
            now: new Date('2026-03-05T12:00:00Z'),
            lines,
            quantities: raw.map((l) => l.requested),
            ...(pickRefund ? { resolution: 'refund' as const } : {}),
          });
          const paid = r.lines.reduce((sum, l, i) => sum + l.quantityAllowed * lines[i]!.unitPriceMinor, 0);
          for (const [i, l] of r.lines.entries()) {
            assert.ok(Number.isInteger(l.fee) && l.fee >= 0);
            assert.ok(l.fee <= l.quantityAllowed * lines[i]!.unitPriceMinor);
            assert.ok(l.quantityAllowed <= lines[i]!.quantity - lines[i]!.quantityReturned || !l.eligible);
          }
          assert.ok(Number.isInteger(r.returnShipping.costMinor));
          for (const o of r.offeredResolutions) {
            for (const v of [o.amountMinor, o.fee, o.shippingCostMinor, o.bonusMinor ?? 0]) {
              assert.ok(Number.isInteger(v) && v >= 0, `${o.type}: ${v}`);
            }
            assert.ok(o.amountMinor + o.fee + o.shippingCostMinor <= paid, `${o.type} over ${paid}`);
            if (o.type === 'refund' || o.type === 'returnless') {
              assert.equal(o.amountMinor + o.fee + o.shippingCostMinor, paid);
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
