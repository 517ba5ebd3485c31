import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { calendarFor } from './calendar.ts';
import {
  blendTransit,
  DEFAULT_POLICY,
  dispatchDate,
  type EstimateInput,
  estimateDelivery,
  orderDay,
  reestimate,
} from './estimate.ts';
import { laneFor, parseLane, widerLanes } from './lane.ts';
import { transitRule } from './rules.ts';

const SP = calendarFor({ country: 'BR', regionCode: 'SP' });
const RJ = calendarFor({ country: 'BR', regionCode: 'RJ' });
const TZ = 'America/Sao_Paulo';
/** São Paulo wall-clock time (UTC-3, no DST since 2019) as an instant. */
const sp = (local: string) => new Date(`${local}-03:00`);

/** 100 deliveries: 40 in 2 days, 40 in 3, 14 in 5, 6 in 8. */
const HISTORY = [
  ...Array(40).fill(2),
  ...Array(40).fill(3),
  ...Array(14).fill(5),
  ...Array(6).fill(8),
] as number[];

function input(extra: Partial<EstimateInput> = {}): EstimateInput {
  return {
    orderedAt: sp('2026-03-10T10:00:00'),
    timeZone: TZ,
    processingDays: 1,
    cutoff: '14:00',
    origin: SP,
    destination: RJ,
    history: HISTORY,
    lane: 'BR-SP>BR-RJ:correios',
    rule: transitRule({ carrier: 'correios', international: false }),
    ...extra,
  };
}

describe('when the parcel leaves', () => {
  test('an order after the 14:00 cut-off counts from the next working day', () => {
    const at = (local: string) =>
      orderDay({ orderedAt: sp(local), timeZone: TZ, cutoff: '14:00', origin: SP });
    assert.equal(at('2026-03-10T13:59:00'), '2026-03-10');
    assert.equal(at('2026-03-10T14:00:00'), '2026-03-11');
    // Friday after the cut-off, and a weekend order: Monday.
    assert.equal(at('2026-03-13T15:00:00'), '2026-03-16');
    assert.equal(at('2026-03-14T09:00:00'), '2026-03-16');
    // Thursday evening before Consciência Negra: the Friday is a holiday, so Monday.
    assert.equal(at('2026-11-19T18:00:00'), '2026-11-23');
  });

  test('the cut-off is read in the merchant time zone, not UTC', () => {
    // 16:30 UTC is 13:30 in São Paulo: before the cut-off.
    assert.equal(
      orderDay({ orderedAt: new Date('2026-03-10T16:30:00Z'), timeZone: TZ, cutoff: '14:00', origin: SP }),
      '2026-03-10',
    );
    // 01:00 UTC on the 11th is still the 10th in São Paulo, after the cut-off.
    assert.equal(
      orderDay({ orderedAt: new Date('2026-03-11T01:00:00Z'), timeZone: TZ, cutoff: '14:00', origin: SP }),
      '2026-03-11',
    );
  });

  test('processing days are working days of the origin', () => {
    const base = { timeZone: TZ, cutoff: '14:00', origin: SP };
    assert.equal(
      dispatchDate({ ...base, orderedAt: sp('2026-03-10T10:00:00'), processingDays: 0 }),
      '2026-03-10',
    );
    assert.equal(
      dispatchDate({ ...base, orderedAt: sp('2026-03-10T10:00:00'), processingDays: 1 }),
      '2026-03-11',
    );
    assert.equal(
      dispatchDate({ ...base, orderedAt: sp('2026-03-10T15:00:00'), processingDays: 1 }),
      '2026-03-12',
    );
    // Carnival Monday and Tuesday 2026 are not working days.
    assert.equal(
      dispatchDate({ ...base, orderedAt: sp('2026-02-13T10:00:00'), processingDays: 1 }),
      '2026-02-18',
    );
  });
});

describe('the promise', () => {
  test('likely is the median and latest a high quantile of the lane history', () => {
    const e = estimateDelivery(input({ policy: { priorWeight: 0 } }));
    // Ordered Tue 10 Mar 10:00, ships Wed 11 Mar; median 3, 10% quantile 2, 94% quantile 5 transit days.
    assert.equal(e.basis.dispatchDate, '2026-03-11');
    assert.deepEqual(e.basis.transitDays, { earliest: 2, likely: 3, latest: 5 });
    assert.equal(e.earliest, '2026-03-13');
    assert.equal(e.likely, '2026-03-16');
    assert.equal(e.latest, '2026-03-18');
    assert.equal(e.method, 'history');
    assert.equal(e.basis.sampleSize, 100);
    // At most 6% of this history would have arrived after `latest`.
    assert.ok(HISTORY.filter((d) => d > e.basis.transitDays.latest).length / HISTORY.length <= 0.06);
  });

  test('after the cut-off the whole window moves a day', () => {
    const before = estimateDelivery(input({ orderedAt: sp('2026-03-10T13:59:00') }));
    const after = estimateDelivery(input({ orderedAt: sp('2026-03-10T14:01:00') }));
    assert.equal(before.likely, '2026-03-16');
    assert.equal(after.likely, '2026-03-17');
    assert.equal(after.latest > before.latest, true);
  });

  test('the destination holidays and carrier days push delivery, not the origin ones', () => {
    // Ships Wed 8 Jul 2026; 9 Jul is a São Paulo holiday but an ordinary day in Rio.
    const toRio = estimateDelivery(
      input({ orderedAt: sp('2026-07-07T10:00:00'), policy: { priorWeight: 0 } }),
    );
    assert.equal(toRio.basis.dispatchDate, '2026-07-08');
    assert.equal(toRio.likely, '2026-07-13'); // Thu 9, Fri 10, Mon 13
    const toSaoPaulo = estimateDelivery(
      input({ orderedAt: sp('2026-07-07T10:00:00'), destination: SP, policy: { priorWeight: 0 } }),
    );
    assert.equal(toSaoPaulo.likely, '2026-07-14'); // Fri 10, Mon 13, Tue 14
  });

  test('no history: rules by carrier and service, with low confidence', () => {
    const pac = estimateDelivery(input({ history: [] }));
    assert.equal(pac.method, 'rules');
    assert.equal(pac.basis.rule.name, 'correios:pac');
    assert.equal(pac.basis.rule.weight, 1);
    assert.deepEqual(pac.basis.transitDays, { earliest: 3, likely: 6, latest: 12 });
    assert.ok(pac.confidence < 0.3);
    const sedex = estimateDelivery(
      input({
        history: [],
        rule: transitRule({ carrier: 'Correios', service: 'SEDEX 10', international: false }),
      }),
    );
    assert.equal(sedex.basis.rule.name, 'correios:sedex');
    assert.ok(sedex.latest < pac.latest);
    assert.equal(transitRule({ carrier: 'dhl', international: true }).name, 'international');
    assert.equal(
      transitRule({ carrier: 'ups', service: 'Express Saver', international: false }).name,
      'domestic:express',
    );
  });

  test('a thin lane borrows from its wider lanes', () => {
    const wide = { lane: 'BR>BR-RJ:correios', transitDays: HISTORY };
    const thin = estimateDelivery(input({ history: [9, 9, 9], wider: [wide] }));
    // 3 deliveries weigh 3 / (3 + 5) of the answer; the wider lane most of the rest.
    assert.equal(thin.basis.levels[0]!.weight, 0.375);
    assert.ok(thin.basis.levels[1]!.weight > 0.55);
    assert.equal(thin.method, 'history');
    assert.ok(thin.basis.transitDays.likely > 3 && thin.basis.transitDays.likely < 9);
    const blend = blendTransit(
      [{ lane: 'x', transitDays: [] }, wide],
      transitRule({ international: false }),
      DEFAULT_POLICY,
    );
    assert.equal(blend.levels[0]!.weight, 0);
  });

  test('confidence grows with the sample and shrinks with the spread', () => {
    const many = estimateDelivery(input({ history: Array(300).fill(3) }));
    const few = estimateDelivery(input({ history: [3, 3, 3, 3] }));
    const wide = estimateDelivery(input({ history: [...Array(150).fill(2), ...Array(150).fill(15)] }));
    assert.ok(many.confidence > few.confidence, `${many.confidence} > ${few.confidence}`);
    assert.ok(many.confidence > wide.confidence, `${many.confidence} > ${wide.confidence}`);
    for (const e of [many, few, wide]) assert.ok(e.confidence > 0 && e.confidence < 1);
  });
});

describe('re-estimates as scans arrive', () => {
  const shipped = sp('2026-03-11T16:00:00');
  test('out for delivery: today', () => {
    const e = reestimate({
      ...input(),
      status: 'out_for_delivery',
      now: sp('2026-03-13T08:10:00'),
      shippedAt: shipped,
    });
    assert.deepEqual([e?.earliest, e?.likely, e?.latest], ['2026-03-13', '2026-03-13', '2026-03-13']);
    assert.ok((e?.confidence ?? 0) >= 0.9);
  });

  test('in transit: the remaining days of the deliveries that took at least as long', () => {
    const fresh = reestimate({
      ...input({ policy: { priorWeight: 0 } }),
      status: 'in_transit',
      now: sp('2026-03-11T18:00:00'),
      shippedAt: shipped,
    });
    assert.equal(fresh?.likely, '2026-03-16'); // as at checkout
    // Four business days later and not delivered: only the 5s and 8s of the history remain possible.
    const slow = reestimate({
      ...input({ policy: { priorWeight: 0 } }),
      status: 'in_transit',
      now: sp('2026-03-17T18:00:00'),
      shippedAt: shipped,
    });
    assert.equal(slow?.basis.elapsedDays, 4);
    assert.equal(slow?.likely, '2026-03-18'); // 5 - 4 = 1 more business day
    assert.equal(slow?.latest, '2026-03-23'); // 8 - 4 = 4 more
  });

  test('past every known delivery time: soon, by the rules', () => {
    const e = reestimate({
      ...input(),
      status: 'in_transit',
      now: sp('2026-04-15T12:00:00'),
      shippedAt: shipped,
    });
    assert.equal(e?.method, 'rules');
    assert.equal(e?.earliest, '2026-04-15');
    assert.ok(e!.latest >= '2026-04-16');
  });

  test('an exception widens the window; a delivered parcel has no estimate', () => {
    const normal = reestimate({
      ...input(),
      status: 'in_transit',
      now: sp('2026-03-12T12:00:00'),
      shippedAt: shipped,
    })!;
    const held = reestimate({
      ...input(),
      status: 'exception',
      now: sp('2026-03-12T12:00:00'),
      shippedAt: shipped,
    })!;
    assert.ok(held.latest > normal.latest);
    assert.ok(held.confidence < normal.confidence);
    assert.equal(
      reestimate({ ...input(), status: 'delivered', now: sp('2026-03-12T12:00:00'), shippedAt: shipped }),
      null,
    );
  });

  test('not shipped yet and the planned dispatch has passed: it leaves at the earliest today', () => {
    const e = reestimate({
      ...input({ policy: { priorWeight: 0 } }),
      status: 'info_received',
      now: sp('2026-03-17T10:00:00'),
      shippedAt: null,
    })!;
    assert.equal(e.basis.dispatchDate, '2026-03-17');
    assert.equal(e.likely, '2026-03-20');
  });
});

describe('lanes', () => {
  test('laneFor names origin region > destination region : carrier slug', () => {
    assert.equal(
      laneFor({ country: 'br', regionCode: 'SP' }, { country: 'BR', regionCode: 'BR-RJ' }, 'Correios'),
      'BR-SP>BR-RJ:correios',
    );
    assert.equal(laneFor({ country: 'SE' }, { country: 'ES', regionCode: 'MD' }, null), 'SE>ES-MD:*');
    assert.deepEqual(parseLane('BR-SP>BR-RJ:dhl_express'), {
      origin: 'BR-SP',
      destination: 'BR-RJ',
      carrier: 'dhl_express',
    });
    assert.deepEqual(
      widerLanes({ origin: 'BR-SP', destination: 'BR-RJ', carrier: 'correios' }).map(
        (l) => `${l.origin}>${l.destination}`,
      ),
      ['BR-SP>BR-RJ', 'BR>BR-RJ', 'BR-SP>BR', 'BR>BR'],
    );
  });
});
