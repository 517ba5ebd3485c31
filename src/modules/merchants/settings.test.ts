import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, createTestMerchant, type TestApp } from '../../../test/helpers.ts';

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
    assert.deepEqual(s.tracking, { stalledDaysDomestic: 7, stalledDaysInternational: 20, lateHours: 12 });
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
