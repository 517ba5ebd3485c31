import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { createTestApp, createTestMerchant, type TestApp } from '../../../../test/helpers.ts';
import {
  hasSharedData,
  readSharedJson,
  SKIP_NO_SHARED_DATA,
  sharedDataPath,
} from '../../../../test/shared-data.ts';
import { normalizeAfterShip, normalizeEasyPost } from './normalize.ts';
import { verifyEasyPostSignature } from './signatures.ts';

const FIXTURES = 'carrier_tracking_fixtures';
const skip = hasSharedData(FIXTURES) ? false : SKIP_NO_SHARED_DATA;
const AFTERSHIP_SECRET = 'aftership-webhook-secret';

let t: TestApp;
let shop: Awaited<ReturnType<typeof createTestMerchant>>;
let slug: string;

before(async () => {
  t = await createTestApp();
  shop = await createTestMerchant(t, { name: 'Trilha Outdoor', currency: 'USD' });
  const vector = hasSharedData(FIXTURES)
    ? readSharedJson<{ secret: string }>(FIXTURES, 'easypost/webhook_hmac/hmac_vector.json')
    : { secret: 'sécret' };
  const { connectIntegration } = await import('../../merchants/index.ts');
  for (const [kind, secret] of [
    ['easypost', vector.secret],
    ['aftership', AFTERSHIP_SECRET],
  ] as const) {
    const merchant = await t.app.inject({ url: '/api/v1/merchant', headers: shop.auth });
    slug = merchant.json().slug;
    await connectIntegration({
      db: t.database.db,
      merchantId: shop.id,
      secretKey: t.config.SECRET_KEY,
      kind,
      externalRef: slug,
      secret,
    });
  }
});
after(() => t.close());

async function ship(trackingNumber: string, carrier: string) {
  const order = await t.app.inject({
    method: 'POST',
    url: '/api/v1/orders',
    headers: shop.auth,
    payload: {
      number: `#${trackingNumber}`,
      currency: 'USD',
      customer: { email: `buyer-${trackingNumber}@example.com` },
      lines: [{ title: 'Tent', quantity: 1, unitPrice: 25000 }],
    },
  });
  const s = await t.app.inject({
    method: 'POST',
    url: `/api/v1/orders/${order.json().id}/shipments`,
    headers: shop.auth,
    payload: { carrier, trackingNumber },
  });
  assert.equal(s.statusCode, 201, s.body);
  return { shipmentId: s.json().id as string, orderId: order.json().id as string };
}

const shipment = async (id: string) =>
  (await t.app.inject({ url: `/api/v1/shipments/${id}`, headers: shop.auth })).json();

describe('EasyPost tracking webhooks', { skip }, () => {
  test("the official signed vector moves the parcel; a redelivery and a forged signature don't", async () => {
    const body = readFileSync(sharedDataPath(FIXTURES, 'easypost/webhook_hmac/event-body.json'));
    const vector = readSharedJson<{ expected_header_value: string; negative_example_header_value: string }>(
      FIXTURES,
      'easypost/webhook_hmac/hmac_vector.json',
    );
    const { shipmentId } = await ship('1', 'fedex');
    const post = (signature: string, payload: Buffer = body) =>
      t.app.inject({
        method: 'POST',
        url: `/webhooks/carriers/easypost?merchant=${slug}`,
        headers: { 'content-type': 'application/json', 'x-hmac-signature': signature },
        payload,
      });
    const forged = await post(vector.negative_example_header_value);
    assert.equal(forged.statusCode, 401);
    assert.equal(forged.json().error.code, 'invalid_signature');
    const tampered = await post(
      vector.expected_header_value,
      Buffer.from(body.toString().replace('FedEx', 'FedEy')),
    );
    assert.equal(tampered.statusCode, 401);

    const res = await post(vector.expected_header_value);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().status, 'processed');
    const s = await shipment(shipmentId);
    const expected = normalizeEasyPost(JSON.parse(body.toString()))!;
    const newest = [...expected.events].sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime())[0]!;
    assert.equal(s.status, newest.status);
    assert.equal(s.statusAt, newest.occurredAt.toISOString());
    assert.equal(s.estimate.latest, '2024-08-05', "the carrier's estimate is kept");
    const events = await t.app.inject({ url: `/api/v1/shipments/${shipmentId}/events`, headers: shop.auth });
    assert.equal(events.json().data.length, expected.events.length);
    assert.ok(events.json().data.every((e: { source: string }) => e.source === 'easypost'));

    const again = await post(vector.expected_header_value);
    assert.equal(again.json().status, 'duplicate');
  });

  test('unknown merchant, missing merchant and missing signature are clear errors', async () => {
    const body = '{"object":"Event"}';
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/webhooks/carriers/easypost?merchant=nobody',
      headers: { 'content-type': 'application/json', 'x-hmac-signature': 'hmac-sha256-hex=00' },
      payload: body,
    });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().error.code, 'unknown_merchant');
    const missing = await t.app.inject({
      method: 'POST',
      url: '/webhooks/carriers/easypost',
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    assert.equal(missing.json().error.code, 'missing_merchant');
    assert.equal(
      verifyEasyPostSignature({ rawBody: Buffer.from(body), header: undefined, secret: 'x' }),
      false,
    );
  });

  test('every EasyPost tracker in the fixtures maps to canonical statuses', () => {
    const trackers = ['trackers-create', 'trackers-retrieve'].map((n) =>
      readSharedJson(FIXTURES, `easypost/docs_responses/docs__responses__trackers__${n}.json`),
    );
    for (const tr of trackers) {
      const u = normalizeEasyPost(tr);
      assert.ok(u, 'a tracker');
      assert.ok(u.events.length > 0);
      for (const e of u.events) assert.ok(!Number.isNaN(e.occurredAt.getTime()));
    }
  });
});

describe('AfterShip tracking webhooks', { skip }, () => {
  test('a signed webhook with real checkpoints delivers the parcel and the order', async () => {
    const fixture = readSharedJson<{ data: { trackings: Array<Record<string, unknown>> } }>(
      FIXTURES,
      'aftership/pyaftership_fixtures/get_trackings.json',
    );
    const tracking = fixture.data.trackings[0]!;
    const { shipmentId, orderId } = await ship(String(tracking.tracking_number), 'fedex');
    const body = JSON.stringify({
      event: 'tracking_update',
      event_id: 'evt-as-1',
      msg: tracking,
      ts: 1534391454,
    });
    const signature = createHmac('sha256', AFTERSHIP_SECRET).update(body).digest('base64');
    const post = (sig: string) =>
      t.app.inject({
        method: 'POST',
        url: `/webhooks/carriers/aftership?merchant=${slug}`,
        headers: { 'content-type': 'application/json', 'aftership-hmac-sha256': sig },
        payload: body,
      });
    const forged = createHmac('sha256', 'not-the-secret').update(body).digest('base64');
    assert.equal((await post(forged)).statusCode, 401);
    const res = await post(signature);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().status, 'processed');
    const s = await shipment(shipmentId);
    assert.equal(s.status, 'delivered');
    const update = normalizeAfterShip({ msg: tracking })!;
    assert.equal(
      s.deliveredAt,
      update.events.find((e) => e.status === 'delivered')!.occurredAt.toISOString(),
    );
    const order = await t.app.inject({ url: `/api/v1/orders/${orderId}`, headers: shop.auth });
    assert.equal(order.json().status, 'delivered');
    const types = (await t.app.inject({ url: `/api/v1/events?subjectId=${shipmentId}`, headers: shop.auth }))
      .json()
      .data.map((e: { type: string }) => e.type);
    assert.ok(types.includes('shipment.delivered'), 'journeys hear about the delivery');
  });

  test('AfterShip tags and subtags map to canonical statuses and sub-statuses', () => {
    const at = (tag: string, subtag: string) =>
      normalizeAfterShip({
        tracking_number: 'X',
        checkpoints: [{ checkpoint_time: '2026-11-02T10:00:00+01:00', tag, subtag }],
      })!.events[0]!;
    assert.deepEqual(
      [
        at('Exception', 'Exception_013'),
        at('Delivered', 'Delivered_003'),
        at('AttemptFail', 'AttemptFail_002'),
      ].map((e) => [e.status, e.subStatus]),
      [
        ['exception', 'lost'],
        ['delivered', 'signed'],
        ['attempt_fail', 'recipient_absent'],
      ],
    );
    assert.equal(at('OutForDelivery', 'OutForDelivery_001').status, 'out_for_delivery');
    assert.equal(at('Bogus', 'Bogus_1').status, 'in_transit', 'an unknown code still means in transit');
    assert.equal(at('InTransit', 'InTransit_002').occurredAt.toISOString(), '2026-11-02T09:00:00.000Z');
  });
});
