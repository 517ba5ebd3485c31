import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, createTestMerchant, type TestApp } from '../../../test/helpers.ts';

let t: TestApp;
let shop: Awaited<ReturnType<typeof createTestMerchant>>;
let other: Awaited<ReturnType<typeof createTestMerchant>>;

before(async () => {
  t = await createTestApp();
  shop = await createTestMerchant(t, { currency: 'SEK', locale: 'sv', timezone: 'Europe/Stockholm' });
  other = await createTestMerchant(t);
});
after(() => t.close());

let seq = 0;
/** An order with one line, shipped with the given tracking number; returns the shipment and order ids. */
async function shipOrder(trackingNumber: string, auth = shop.auth) {
  seq++;
  const order = await t.app.inject({
    method: 'POST',
    url: '/api/v1/orders',
    headers: auth,
    payload: {
      number: `#T${seq}`,
      currency: 'SEK',
      customer: { email: `kund${seq}@example.se` },
      lines: [{ sku: 'MUG', title: 'Mugg', quantity: 1, unitPrice: 19900 }],
    },
  });
  assert.equal(order.statusCode, 201, order.body);
  const shipment = await t.app.inject({
    method: 'POST',
    url: `/api/v1/orders/${order.json().id}/shipments`,
    headers: auth,
    payload: { carrier: 'postnord', trackingNumber, shippedAt: '2026-11-02T08:00:00Z' },
  });
  assert.equal(shipment.statusCode, 201, shipment.body);
  return { orderId: order.json().id as string, shipmentId: shipment.json().id as string };
}

const push = (events: unknown[], auth = shop.auth) =>
  t.app.inject({ method: 'POST', url: '/api/v1/tracking-events', headers: auth, payload: { events } });

const getShipment = async (id: string) =>
  (await t.app.inject({ url: `/api/v1/shipments/${id}`, headers: shop.auth })).json();

const eventTypes = async (subjectId: string) =>
  (await t.app.inject({ url: `/api/v1/events?subjectId=${subjectId}`, headers: shop.auth }))
    .json()
    .data.map((e: { type: string }) => e.type);

describe('pushing tracking events', () => {
  test('scans move the shipment, are stored once, and a redelivered batch changes nothing', async () => {
    const { shipmentId, orderId } = await shipOrder('RR123456785SE');
    const scans = [
      {
        trackingNumber: 'rr 123 456 785 se',
        occurredAt: '2026-11-02T10:00:00+01:00',
        status: 'in_transit',
        subStatus: 'picked_up',
        location: 'Malmö, SE',
      },
      {
        trackingNumber: 'RR123456785SE',
        occurredAt: '2026-11-03T07:30:00+01:00',
        status: 'out_for_delivery',
        location: 'Lund, SE',
      },
    ];
    const first = await push(scans);
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().accepted, 2);
    assert.deepEqual(first.json().moved, [{ shipmentId, from: 'info_received', to: 'out_for_delivery' }]);
    const s = await getShipment(shipmentId);
    assert.equal(s.status, 'out_for_delivery');
    assert.equal(s.statusAt, '2026-11-03T06:30:00.000Z');
    assert.equal(s.outForDeliveryAt, '2026-11-03T06:30:00.000Z');
    assert.equal(s.lastLocation, 'Lund, SE');

    const again = await push(scans);
    assert.deepEqual(again.json(), { accepted: 0, duplicates: 2, rejected: [], moved: [] });
    const timeline = await t.app.inject({
      url: `/api/v1/shipments/${shipmentId}/events`,
      headers: shop.auth,
    });
    assert.deepEqual(
      timeline.json().data.map((e: { status: string }) => e.status),
      ['out_for_delivery', 'in_transit'],
    );
    // Only the move to the newest status is news: one out_for_delivery event, not an in_transit one too.
    const types = await eventTypes(shipmentId);
    assert.equal(types.filter((x: string) => x === 'shipment.out_for_delivery').length, 1);
    assert.ok(!types.includes('shipment.in_transit'));

    const delivered = await push([
      {
        shipmentId,
        occurredAt: '2026-11-03T14:05:00+01:00',
        status: 'delivered',
        subStatus: 'delivered_to_neighbour',
      },
    ]);
    assert.deepEqual(delivered.json().moved, [{ shipmentId, from: 'out_for_delivery', to: 'delivered' }]);
    const done = await getShipment(shipmentId);
    assert.equal(done.deliveredAt, '2026-11-03T13:05:00.000Z');
    assert.equal(done.subStatus, 'delivered_to_neighbour');
    const order = await t.app.inject({ url: `/api/v1/orders/${orderId}`, headers: shop.auth });
    assert.equal(order.json().status, 'delivered', 'the order moved with its only parcel');
  });

  test('a late old scan fills the timeline but never moves the status back', async () => {
    const { shipmentId } = await shipOrder('LATE0001');
    await push([{ shipmentId, occurredAt: '2026-11-05T09:00:00Z', status: 'out_for_delivery' }]);
    const late = await push([{ shipmentId, occurredAt: '2026-11-04T09:00:00Z', status: 'in_transit' }]);
    assert.equal(late.json().accepted, 1);
    assert.deepEqual(late.json().moved, []);
    const s = await getShipment(shipmentId);
    assert.equal(s.status, 'out_for_delivery');
    assert.equal(s.lastScanAt, '2026-11-05T09:00:00.000Z');
    // Out of order within one batch: the newest scan decides whatever its position.
    const { shipmentId: other2 } = await shipOrder('LATE0002');
    const batch = await push([
      { shipmentId: other2, occurredAt: '2026-11-06T15:00:00Z', status: 'delivered' },
      { shipmentId: other2, occurredAt: '2026-11-06T08:00:00Z', status: 'out_for_delivery' },
      { shipmentId: other2, occurredAt: '2026-11-05T08:00:00Z', status: 'in_transit' },
    ]);
    assert.deepEqual(batch.json().moved, [{ shipmentId: other2, from: 'info_received', to: 'delivered' }]);
    const after = await push([
      { shipmentId: other2, occurredAt: '2026-11-07T08:00:00Z', status: 'exception' },
    ]);
    assert.deepEqual(after.json().moved, [], 'a delivered parcel stays delivered');
    assert.equal((await getShipment(other2)).status, 'delivered');
  });

  test("unknown parcels and another merchant's parcels are rejected by index; the rest is stored", async () => {
    const { shipmentId } = await shipOrder('MIXED0001');
    const foreign = await shipOrder('FOREIGN0001', other.auth);
    const res = await push([
      { shipmentId, occurredAt: '2026-11-04T09:00:00Z', status: 'in_transit' },
      { trackingNumber: 'NOPE0000', occurredAt: '2026-11-04T09:00:00Z', status: 'in_transit' },
      { shipmentId: foreign.shipmentId, occurredAt: '2026-11-04T09:00:00Z', status: 'delivered' },
    ]);
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().accepted, 1);
    assert.deepEqual(
      res.json().rejected.map((r: { index: number; code: string }) => [r.index, r.code]),
      [
        [1, 'unknown_shipment'],
        [2, 'unknown_shipment'],
      ],
    );
    const theirs = await t.app.inject({
      url: `/api/v1/shipments/${foreign.shipmentId}`,
      headers: other.auth,
    });
    assert.equal(theirs.json().status, 'info_received', "the other merchant's parcel is untouched");
  });

  test('bad scans are refused whole with the field that is wrong', async () => {
    const res = await push([{ trackingNumber: 'X1', occurredAt: 'yesterday', status: 'teleported' }]);
    assert.equal(res.statusCode, 400);
    const paths = res.json().error.details.map((d: { path: string }) => d.path);
    assert.ok(paths.includes('body.events.0.occurredAt'), res.body);
    assert.ok(paths.includes('body.events.0.status'), res.body);
    const none = await push([{ occurredAt: '2026-11-04T09:00:00Z', status: 'in_transit' }]);
    assert.equal(none.statusCode, 400);
  });

  test('the watchlist list filters by flag', async () => {
    const res = await t.app.inject({ url: '/api/v1/shipments?flag=late', headers: shop.auth });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().data, []);
    const bad = await t.app.inject({ url: '/api/v1/shipments?flag=lost', headers: shop.auth });
    assert.equal(bad.statusCode, 400);
  });
});
