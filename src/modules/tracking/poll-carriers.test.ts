import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createTestApp, createTestMerchant, type TestApp } from '../../../test/helpers.ts';
import { hasSharedData, readSharedJson, SKIP_NO_SHARED_DATA } from '../../../test/shared-data.ts';
import { pollCarriers } from './poll-carriers.ts';
import { easyPostPoller } from './providers/easypost-poller.ts';

const FIXTURE = [
  'carrier_tracking_fixtures',
  'easypost/docs_responses/docs__responses__trackers__trackers-retrieve.json',
];
const skip = hasSharedData(...FIXTURE) ? false : SKIP_NO_SHARED_DATA;
const API_KEY = 'EZTK-test-key';

let t: TestApp;
let shop: Awaited<ReturnType<typeof createTestMerchant>>;
let carrier: Server;
let carrierUrl: string;
const asked: string[] = [];

before(async () => {
  t = await createTestApp();
  shop = await createTestMerchant(t);
  // A fake EasyPost: POST /v2/trackers answers the real tracker fixture for the asked code; one code fails.
  const tracker = hasSharedData(...FIXTURE) ? readSharedJson<Record<string, unknown>>(...FIXTURE) : {};
  carrier = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const expected = `Basic ${Buffer.from(`${API_KEY}:`).toString('base64')}`;
      if (req.method !== 'POST' || req.url !== '/v2/trackers' || req.headers.authorization !== expected) {
        res.writeHead(401).end('{"error":{"code":"APIKEY.INACTIVE"}}');
        return;
      }
      const code = JSON.parse(body).tracker.tracking_code as string;
      asked.push(code);
      if (code === 'BROKEN1') {
        res.writeHead(500).end('{"error":{"code":"INTERNAL"}}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...tracker, tracking_code: code }));
    });
  });
  await new Promise<void>((r) => carrier.listen(0, '127.0.0.1', r));
  carrierUrl = `http://127.0.0.1:${(carrier.address() as AddressInfo).port}`;
});
after(async () => {
  carrier?.close();
  await t.close();
});

async function ship(trackingNumber: string) {
  const order = await t.app.inject({
    method: 'POST',
    url: '/api/v1/orders',
    headers: shop.auth,
    payload: {
      number: `#${trackingNumber}`,
      currency: 'USD',
      customer: { email: `${trackingNumber.toLowerCase()}@example.com` },
      lines: [{ title: 'Lamp', quantity: 1, unitPrice: 4000 }],
    },
  });
  const s = await t.app.inject({
    method: 'POST',
    url: `/api/v1/orders/${order.json().id}/shipments`,
    headers: shop.auth,
    payload: { carrier: 'usps', trackingNumber, shippedAt: '2026-11-01T10:00:00Z' },
  });
  return s.json().id as string;
}

describe('polling carriers that must be asked', { skip }, () => {
  test('asks about quiet parcels, applies the answers, and a carrier error for one parcel spares the rest', async () => {
    const quiet = await ship('EZ1000000001');
    const broken = await ship('BROKEN1');
    const poller = easyPostPoller({ apiUrl: carrierUrl, apiKey: API_KEY });
    const now = new Date('2026-11-10T12:00:00Z');
    const result = await pollCarriers({ db: t.database.db, poller, now, everyHours: 6 });
    assert.deepEqual(result, { asked: 2, failed: 1, moved: 0 });
    assert.deepEqual(asked.sort(), ['BROKEN1', 'EZ1000000001']);
    const s = (await t.app.inject({ url: `/api/v1/shipments/${quiet}`, headers: shop.auth })).json();
    assert.equal(s.status, 'info_received', "the fixture tracker is pre_transit: EasyPost's label scan");
    assert.ok(s.lastScanAt, 'the scans were applied');
    const events = await t.app.inject({ url: `/api/v1/shipments/${quiet}/events`, headers: shop.auth });
    assert.ok(events.json().data.length > 0);
    assert.ok(events.json().data.every((e: { source: string }) => e.source === 'poller'));

    // Asked a moment ago: not asked again until everyHours have passed.
    const soon = await pollCarriers({
      db: t.database.db,
      poller,
      now: new Date('2026-11-10T13:00:00Z'),
      everyHours: 6,
    });
    assert.equal(soon.asked, 0);
    const later = await pollCarriers({
      db: t.database.db,
      poller,
      now: new Date('2026-11-10T19:00:00Z'),
      everyHours: 6,
    });
    assert.equal(later.asked, 2, 'both are asked again, the broken one included');
    assert.ok(broken);
  });

  test('a wrong API key is a failure per parcel, never a crash', async () => {
    const poller = easyPostPoller({ apiUrl: carrierUrl, apiKey: 'wrong' });
    const result = await pollCarriers({
      db: t.database.db,
      poller,
      now: new Date('2026-11-20T12:00:00Z'),
      everyHours: 6,
    });
    assert.equal(result.failed, result.asked);
    assert.equal(result.moved, 0);
  });
});
