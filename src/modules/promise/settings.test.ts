import assert from 'node:assert/strict';
import { test } from 'node:test';
import { carrierDeliveryDays } from './rules.ts';
import { shippingSettings } from './settings.ts';

test('shipping settings fill defaults, keep what the merchant set and survive bad values', () => {
  assert.deepEqual(shippingSettings({}), {
    processingDays: 1,
    cutoff: '14:00',
    workingDays: [1, 2, 3, 4, 5],
    carrierDeliveryDays: {},
  });
  const set = shippingSettings({
    shipping: { processingDays: 0, cutoff: '16:30', origin: { country: 'se', regionCode: 'AB' } },
  });
  assert.equal(set.processingDays, 0);
  assert.equal(set.cutoff, '16:30');
  assert.deepEqual(set.origin, { country: 'SE', regionCode: 'AB' });
  assert.equal(shippingSettings({ shipping: { cutoff: '25:00' } }).cutoff, '14:00');
  const saturday = shippingSettings({ shipping: { carrierDeliveryDays: { correios: [1, 2, 3, 4, 5, 6] } } });
  assert.deepEqual(carrierDeliveryDays('Correios', saturday.carrierDeliveryDays), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(carrierDeliveryDays('USPS'), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(carrierDeliveryDays(null), [1, 2, 3, 4, 5]);
});
