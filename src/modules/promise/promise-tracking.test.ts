import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createOrder, orderBody } from '../../../test/api-fixtures.ts';
import { createTestApp, createTestMerchant, type TestApp } from '../../../test/helpers.ts';
import { manualClock, resetClock, setClock } from '../../lib/clock.ts';

/**
 * The promise and tracking together: deliveries pushed as carrier scans become the lane history that later
 * promises learn from, and scans of parcels on their way move the shipment's estimate.
 */
type Shop = Awaited<ReturnType<typeof createTestMerchant>>;

let t: TestApp;
let shop: Shop;
const clock = manualClock(new Date('2026-03-10T10:00:00-03:00'));

const SAO_PAULO = { country: 'BR', regionCode: 'SP', city: 'São Paulo' };
const RIO = { country: 'BR', regionCode: 'RJ', postalCode: '20040-002' };

before(async () => {
  setClock(clock);
  t = await createTestApp();
  shop = await createTestMerchant(t, {
    currency: 'BRL',
    locale: 'pt-BR',
    timezone: 'America/Sao_Paulo',
    postalAddress: SAO_PAULO,
  });
});
after(async () => {
  resetClock();
  await t.close();
});

let seq = 0;
/** An order to Rio shipped with Correios. */
async function ship(shippedAt: string): Promise<string> {
  seq++;
  const order = await createOrder(
    t.app,
    shop.auth,
    orderBody(`#PT${seq}`, { currency: 'BRL', shippingAddress: RIO }),
  );
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/orders/${order.id}/shipments`,
    headers: shop.auth,
    payload: { carrier: 'Correios', trackingNumber: `PT${seq}BR`, shippedAt },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id as string;
}

const push = async (events: unknown[]) => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/tracking-events',
    headers: shop.auth,
    payload: { events },
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
};

const shipment = async (id: string) =>
  (await t.app.inject({ url: `/api/v1/shipments/${id}`, headers: shop.auth })).json();

/** The promise for an order placed Tue 10 Mar 10:00 in São Paulo, to Rio with Correios. */
const promise = async () => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/delivery-promise',
    headers: shop.auth,
    payload: { destination: RIO, carrier: 'correios', orderedAt: '2026-03-10T10:00:00-03:00' },
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
};

describe('deliveries tracked on a lane teach its promise', () => {
  test('a new lane is promised from the rules; delivered scans make it history', async () => {
    const before = await promise();
    assert.equal(before.method, 'rules');
    assert.equal(before.sampleSize, 0);

    // Ten parcels shipped Mon 2 Mar: eight delivered Thu 5 Mar (3 business days in Rio), two Fri 6 Mar (4).
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await ship('2026-03-02T15:00:00-03:00'));
    const scans = ids.flatMap((shipmentId, i) => [
      { shipmentId, occurredAt: '2026-03-02T18:00:00-03:00', status: 'in_transit', subStatus: 'picked_up' },
      {
        shipmentId,
        occurredAt: i < 8 ? '2026-03-05T11:00:00-03:00' : '2026-03-06T11:00:00-03:00',
        status: 'delivered',
      },
    ]);
    const res = await push(scans);
    assert.equal(res.moved.length, 10);
    assert.ok(res.moved.every((m: { to: string }) => m.to === 'delivered'));

    const first = await shipment(ids[0]!);
    assert.equal(first.promise.transitDays, 3);
    assert.equal((await shipment(ids[9]!)).promise.transitDays, 4);
    const lanes = await t.database.db
      .selectFrom('shipments')
      .select(['lane', 'international'])
      .distinct()
      .where('merchant_id', '=', shop.id)
      .where('id', 'in', ids)
      .execute();
    assert.deepEqual(lanes, [{ lane: 'BR-SP>BR-RJ:correios', international: false }]);

    const after = await promise();
    assert.equal(after.method, 'history');
    assert.equal(after.lane, 'BR-SP>BR-RJ:correios');
    assert.equal(after.sampleSize, 10);
    assert.ok(after.confidence > before.confidence, `${after.confidence} > ${before.confidence}`);
    // Ships Wed 11 Mar; 3 business days likely (Mon 16), 4 at the latest (Tue 17): the rules said far later.
    assert.deepEqual([after.likely, after.latest], ['2026-03-16', '2026-03-17']);
    assert.ok(before.latest > after.latest);
  });

  test('a delivery against a stored promise records whether it was kept', async () => {
    const order = await createOrder(
      t.app,
      shop.auth,
      orderBody('#PT-KEPT', {
        currency: 'BRL',
        shippingAddress: RIO,
        promisedDelivery: { earliest: '2026-03-12', latest: '2026-03-13' },
      }),
    );
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/orders/${order.id}/shipments`,
      headers: shop.auth,
      payload: { carrier: 'correios', trackingNumber: 'KEPT1BR', shippedAt: '2026-03-10T15:00:00-03:00' },
    });
    const id = res.json().id as string;
    // Delivered Sat 14 Mar 00:30 in Rio (Fri 13 Mar 03:30 UTC): the day is read where the parcel arrived.
    await push([{ shipmentId: id, occurredAt: '2026-03-14T00:30:00-03:00', status: 'delivered' }]);
    assert.deepEqual((await shipment(id)).promise, { kept: false, daysVsPromise: 1, transitDays: 3 });
  });
});

describe('scans move the estimate of a parcel on its way', () => {
  test('in transit follows the lane history; out for delivery is today', async () => {
    const id = await ship('2026-03-09T15:00:00-03:00'); // Mon 9 Mar
    clock.set(new Date('2026-03-10T12:00:00-03:00'));
    await push([{ shipmentId: id, occurredAt: '2026-03-10T08:00:00-03:00', status: 'in_transit' }]);
    // One business day gone of the lane's 3 to 4: Thu 12 or Fri 13.
    assert.deepEqual((await shipment(id)).estimate, { earliest: '2026-03-12', latest: '2026-03-13' });

    clock.set(new Date('2026-03-11T09:00:00-03:00'));
    await push([{ shipmentId: id, occurredAt: '2026-03-11T07:45:00-03:00', status: 'out_for_delivery' }]);
    assert.deepEqual((await shipment(id)).estimate, { earliest: '2026-03-11', latest: '2026-03-11' });

    // A scan that does not move the status leaves the estimate alone.
    clock.set(new Date('2026-03-12T09:00:00-03:00'));
    await push([{ shipmentId: id, occurredAt: '2026-03-11T10:00:00-03:00', status: 'out_for_delivery' }]);
    assert.deepEqual((await shipment(id)).estimate, { earliest: '2026-03-11', latest: '2026-03-11' });
  });

  test("the carrier's own estimate wins over ours", async () => {
    const id = await ship('2026-03-09T15:00:00-03:00');
    clock.set(new Date('2026-03-11T09:00:00-03:00'));
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tracking-events',
      headers: shop.auth,
      payload: {
        events: [
          {
            shipmentId: id,
            occurredAt: '2026-03-11T07:45:00-03:00',
            status: 'out_for_delivery',
            estimatedDelivery: '2026-03-13',
          },
        ],
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual((await shipment(id)).estimate, { earliest: '2026-03-13', latest: '2026-03-13' });
  });

  test('without lane history only a scan that pins the day sets an estimate', async () => {
    const id = await ship('2026-03-09T15:00:00-03:00');
    const toSweden = await createOrder(
      t.app,
      shop.auth,
      orderBody('#PT-SE', { currency: 'BRL', shippingAddress: { country: 'SE' } }),
    );
    const abroad = (
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/orders/${toSweden.id}/shipments`,
        headers: shop.auth,
        payload: { carrier: 'ups', trackingNumber: '1Z999AA10123456784', shippedAt: '2026-03-09T15:00:00Z' },
      })
    ).json().id as string;
    clock.set(new Date('2026-03-10T12:00:00-03:00'));
    await push([
      { shipmentId: abroad, occurredAt: '2026-03-10T08:00:00-03:00', status: 'in_transit' },
      { shipmentId: id, occurredAt: '2026-03-10T08:00:00-03:00', status: 'in_transit' },
    ]);
    // No UPS deliveries to Sweden yet: the rules' wide window is not written (the watchlist would call it late).
    assert.deepEqual((await shipment(abroad)).estimate, { earliest: null, latest: null });
    assert.ok((await shipment(id)).estimate.latest, 'the Correios lane has history');
    clock.set(new Date('2026-03-16T09:00:00+01:00'));
    await push([{ shipmentId: abroad, occurredAt: '2026-03-16T07:30:00+01:00', status: 'out_for_delivery' }]);
    assert.deepEqual((await shipment(abroad)).estimate, { earliest: '2026-03-16', latest: '2026-03-16' });
  });
});
