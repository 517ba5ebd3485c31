import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, createTestMerchant, type TestApp } from '../../../test/helpers.ts';
import { withTransaction } from '../../db/pool.ts';
import { runWatchlist } from './watchlist.ts';

let t: TestApp;
let shop: Awaited<ReturnType<typeof createTestMerchant>>;

before(async () => {
  t = await createTestApp();
  shop = await createTestMerchant(t, {
    currency: 'BRL',
    locale: 'pt-BR',
    timezone: 'America/Sao_Paulo',
    postalAddress: { country: 'BR', regionCode: 'SP', city: 'São Paulo' },
  });
});
after(() => t.close());

let seq = 0;
async function shipped(opts: { latest?: string; country?: string; shippedAt: string; tracking: string }) {
  seq++;
  const order = await t.app.inject({
    method: 'POST',
    url: '/api/v1/orders',
    headers: shop.auth,
    payload: {
      number: `#W${seq}`,
      currency: 'BRL',
      customer: { email: `w${seq}@example.com.br` },
      shippingAddress: { country: opts.country ?? 'BR', regionCode: 'RJ' },
      lines: [{ title: 'Vaso', quantity: 1, unitPrice: 5000 }],
      ...(opts.latest ? { promisedDelivery: { earliest: opts.latest, latest: opts.latest } } : {}),
    },
  });
  assert.equal(order.statusCode, 201, order.body);
  const s = await t.app.inject({
    method: 'POST',
    url: `/api/v1/orders/${order.json().id}/shipments`,
    headers: shop.auth,
    payload: { carrier: 'correios', trackingNumber: opts.tracking, shippedAt: opts.shippedAt },
  });
  assert.equal(s.statusCode, 201, s.body);
  return s.json().id as string;
}

const scan = (shipmentId: string, occurredAt: string, status: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/tracking-events',
    headers: shop.auth,
    payload: { events: [{ shipmentId, occurredAt, status }] },
  });

const watch = (now: string) =>
  withTransaction(t.database.db, (tx) => runWatchlist({ tx, now: new Date(now), merchantId: shop.id }));

const flagged = async (flag: string) =>
  (await t.app.inject({ url: `/api/v1/shipments?flag=${flag}`, headers: shop.auth }))
    .json()
    .data.map((s: { id: string }) => s.id)
    .sort();

const eventsOf = async (id: string) =>
  (await t.app.inject({ url: `/api/v1/events?subjectId=${id}`, headers: shop.auth }))
    .json()
    .data.map((e: { type: string }) => e.type);

describe('the exception watchlist', () => {
  test('flags late, stalled and troubled parcels, says so once, and clears flags when things resolve', async () => {
    // Promised by 10 Nov (São Paulo); with 48 h of grace it is late from 13 Nov 00:00 local.
    const late = await shipped({
      latest: '2026-11-10',
      shippedAt: '2026-11-05T12:00:00Z',
      tracking: 'LATE1',
    });
    await scan(late, '2026-11-11T12:00:00Z', 'in_transit');
    // Domestic, no scan since 1 Nov: stalled after 7 days.
    const stalled = await shipped({ shippedAt: '2026-11-01T12:00:00Z', tracking: 'STALL1' });
    // International (to Sweden), last scan 5 Nov: not stalled until 20 days.
    const abroad = await shipped({ shippedAt: '2026-11-05T12:00:00Z', tracking: 'ABROAD1', country: 'SE' });
    const troubled = await shipped({ shippedAt: '2026-11-11T12:00:00Z', tracking: 'TROUBLE1' });
    await scan(troubled, '2026-11-12T09:00:00Z', 'exception');
    const fine = await shipped({
      latest: '2026-11-20',
      shippedAt: '2026-11-11T12:00:00Z',
      tracking: 'FINE1',
    });
    await scan(fine, '2026-11-12T09:00:00Z', 'in_transit');

    const before = await watch('2026-11-12T23:00:00Z'); // 20:00 in São Paulo on the 12th: not late yet
    assert.deepEqual(before.raised, { stalled: 1, exception: 1 });
    assert.deepEqual(await flagged('late'), []);

    const result = await watch('2026-11-13T03:30:00Z'); // 00:30 on the 13th in São Paulo
    assert.deepEqual(result.raised, { late: 1 });
    assert.deepEqual(await flagged('late'), [late]);
    assert.deepEqual(await flagged('stalled'), [stalled]);
    assert.deepEqual(await flagged('exception'), [troubled]);
    assert.ok(!(await flagged('stalled')).includes(abroad), 'an international parcel gets 20 days');

    const again = await watch('2026-11-13T04:00:00Z');
    assert.equal(again.changed, 0, 'nothing new: no second round of events');
    assert.equal((await eventsOf(late)).filter((x: string) => x === 'shipment.delayed').length, 1);
    assert.equal((await eventsOf(stalled)).filter((x: string) => x === 'shipment.stalled').length, 1);
    assert.ok(!(await eventsOf(fine)).includes('shipment.delayed'));

    // The stalled parcel moves again and the troubled one is delivered: flags clear.
    await scan(stalled, '2026-11-13T05:00:00Z', 'in_transit');
    await scan(troubled, '2026-11-13T05:00:00Z', 'delivered');
    await scan(late, '2026-11-13T18:00:00Z', 'delivered');
    const kept = (await t.app.inject({ url: `/api/v1/shipments/${late}`, headers: shop.auth })).json()
      .promise;
    assert.equal(kept.kept, false, 'promised by the 10th, delivered on the 13th');
    assert.equal(kept.daysVsPromise, 3);
    await watch('2026-11-13T06:00:00Z');
    assert.deepEqual(await flagged('stalled'), []);
    assert.deepEqual(await flagged('exception'), []);
  });

  test('a carrier estimate after the promised day flags the parcel late before it is, so the customer hears from us first', async () => {
    const id = await shipped({ latest: '2026-12-01', shippedAt: '2026-11-25T12:00:00Z', tracking: 'EST1' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tracking-events',
      headers: shop.auth,
      payload: {
        events: [
          {
            shipmentId: id,
            occurredAt: '2026-11-26T09:00:00Z',
            status: 'in_transit',
            estimatedDelivery: '2026-12-03',
          },
        ],
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    await watch('2026-11-26T12:00:00Z'); // five days before the promised day
    assert.ok((await flagged('late')).includes(id));
    assert.ok((await eventsOf(id)).includes('shipment.delayed'));
  });
});
