import assert from 'node:assert/strict';
import { test } from 'node:test';
import { carrierName } from './carrier-names.ts';

test('carrier slugs read as the carrier calls itself, whatever their spelling', () => {
  assert.equal(carrierName('ups'), 'UPS');
  assert.equal(carrierName('UPS'), 'UPS');
  assert.equal(carrierName('dhl_express'), 'DHL Express');
  assert.equal(carrierName('DHLExpress'), 'DHL Express');
  assert.equal(carrierName('correios'), 'Correios');
  assert.equal(carrierName('postnord'), 'PostNord');
  assert.equal(carrierName('canada-post'), 'Canada Post');
  assert.equal(carrierName('Kuehne Nagel'), 'Kuehne Nagel', 'unknown carriers are shown as given');
  assert.equal(carrierName(null), null);
});
