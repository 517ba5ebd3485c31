import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { createTestApp, createTestMerchant, type TestApp } from '../../../test/helpers.ts';
import { enablePreset } from './manage.ts';

/** Migration 0007 mends journeys saved with the exit 'return.opened', which no event ever carried. */
let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(() => t.close());

test('a saved journey exiting on "return.opened" exits on the return events after the migration', async () => {
  const shop = await createTestMerchant(t);
  const journey = await enablePreset(t.database.db, { merchantId: shop.id, key: 'five_step_expectations' });
  const db = t.database.db;
  // As presets were saved before the fix.
  await sql`UPDATE journey_versions SET definition = jsonb_set(definition, '{exits}', '["order.cancelled","return.opened"]')
            WHERE journey_id = ${journey.id}`.execute(db);
  const migration = await readFile(
    new URL('../../../migrations/0007_return_exit.sql', import.meta.url),
    'utf8',
  );
  await sql.raw(migration).execute(db);
  const { rows } = await sql<{ exits: string[] }>`
    SELECT definition -> 'exits' AS exits FROM journey_versions WHERE journey_id = ${journey.id}`.execute(db);
  assert.deepEqual(
    rows.map((r) => [...r.exits].sort()),
    [['order.cancelled', 'return.needs_review', 'return.requested']],
  );
});
