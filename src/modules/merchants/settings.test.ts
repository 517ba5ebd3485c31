import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, createTestMerchant, type TestApp } from '../../../test/helpers.ts';
import { shippingSettings } from '../promise/index.ts';
import { findMerchant } from './repo.ts';

let t: TestApp;
let shop: Awaited<ReturnType<typeof createTestMerchant>>;

before(async () => {
  t = await createTestApp();
  shop = await createTestMerchant(t);
});
after(() => t.close());

const patch = (payload: Record<string, unknown>) =>
  t.app.inject({ method: 'PATCH', url: '/api/v1/merchant', headers: shop.auth, payload });

describe('merchant settings', () => {
  test('a new merchant sees the defaults', async () => {
    const res = await t.app.inject({ url: '/api/v1/merchant', headers: shop.auth });
    assert.deepEqual(res.json().settings.tracking, {
      stalledDaysDomestic: 7,
      stalledDaysInternational: 20,
      lateHours: 48,
      domains: [],
    });
    assert.deepEqual(res.json().settings.messaging.frequencyCap, { max: 3, days: 7 });
    assert.deepEqual(res.json().settings.messaging.quietHours, { start: '21:00', end: '08:00' });
  });

  test('a change touches only what it names, and sticks', async () => {
    const first = await patch({ settings: { messaging: { frequencyCap: { max: 1, days: 14 } } } });
    assert.equal(first.statusCode, 200, first.body);
    const second = await patch({
      settings: { tracking: { lateHours: 12 }, messaging: { openTracking: true } },
    });
    const s = second.json().settings;
    assert.deepEqual(s.messaging.frequencyCap, { max: 1, days: 14 }, 'the earlier change is kept');
    assert.equal(s.messaging.openTracking, true);
    assert.equal(s.messaging.clickTracking, true, 'untouched keys keep their default');
    assert.deepEqual(s.tracking, {
      stalledDaysDomestic: 7,
      stalledDaysInternational: 20,
      lateHours: 12,
      domains: [],
    });
  });

  test('bad settings are refused naming the field, and nothing changes', async () => {
    const res = await patch({ settings: { messaging: { quietHours: { start: '25:00', end: '08:00' } } } });
    assert.equal(res.statusCode, 400);
    assert.ok(
      res
        .json()
        .error.details.some((d: { path: string }) => d.path === 'body.settings.messaging.quietHours.start'),
      res.body,
    );
    const unknown = await patch({ settings: { tracking: { lateDays: 2 } } });
    assert.equal(unknown.statusCode, 400);
    const now = await t.app.inject({ url: '/api/v1/merchant', headers: shop.auth });
    assert.equal(now.json().settings.tracking.lateHours, 12);
  });
});

describe('shipping settings', () => {
  const stored = async () => shippingSettings((await findMerchant(t.database.db, shop.id))?.settings);
  const promise = () =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/delivery-promise',
      headers: shop.auth,
      payload: { destination: { country: 'BR', regionCode: 'RJ' }, carrier: 'correios' },
    });

  test('are set through the merchant, keep what a later change leaves out, and shape the promise', async () => {
    // The test merchant has no postal address: without a shipping origin there is nothing to promise from.
    assert.equal((await promise()).statusCode, 422);
    const res = await patch({
      settings: {
        shipping: {
          processingDays: 2,
          cutoff: '15:30',
          origin: { country: 'br', regionCode: 'SP' },
          carrierDeliveryDays: { correios: [1, 2, 3, 4, 5, 6] },
        },
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    const later = await patch({ settings: { shipping: { cutoff: '12:00' } } });
    assert.equal(later.statusCode, 200, later.body);
    const expected = {
      processingDays: 2,
      cutoff: '12:00',
      workingDays: [1, 2, 3, 4, 5],
      origin: { country: 'BR', regionCode: 'SP' },
      carrierDeliveryDays: { correios: [1, 2, 3, 4, 5, 6] },
    };
    assert.deepEqual(await stored(), expected);
    const p = await promise();
    assert.equal(p.statusCode, 200, p.body);
    assert.equal(p.json().lane, 'BR-SP>BR-RJ:correios', 'the promise leaves from the shipping origin');
    // The merchant view shows the section with its defaults once view.ts lists it (merchantSettingsView).
    const shown = later.json().settings.shipping;
    if (shown) assert.deepEqual(shown, expected);
    // null clears the origin; the merchant's postal address (none here) is the origin again.
    await patch({ settings: { shipping: { origin: null } } });
    assert.equal((await stored()).origin, null);
    assert.equal((await promise()).statusCode, 422);
  });

  test('bad shipping settings are refused naming the field, and nothing changes', async () => {
    await patch({ settings: { shipping: { processingDays: 3 } } });
    const bad = await patch({
      settings: { shipping: { cutoff: '25:00', processingDays: -1, origin: { country: 'Brazil' } } },
    });
    assert.equal(bad.statusCode, 400);
    const paths = bad.json().error.details.map((d: { path: string }) => d.path);
    for (const path of [
      'body.settings.shipping.cutoff',
      'body.settings.shipping.processingDays',
      'body.settings.shipping.origin.country',
    ]) {
      assert.ok(paths.includes(path), `${path} in ${bad.body}`);
    }
    const days = await patch({ settings: { shipping: { workingDays: [0, 8] } } });
    assert.equal(days.statusCode, 400);
    const unknown = await patch({ settings: { shipping: { handlingDays: 2 } } });
    assert.equal(unknown.statusCode, 400);
    const s = await stored();
    assert.equal(s.processingDays, 3);
    assert.deepEqual(s.workingDays, [1, 2, 3, 4, 5]);
  });
});
