import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { createHarness, type Harness, mailsTo } from '../../test/messaging-fixtures.ts';
import { silentLogger } from '../lib/logger.ts';
import { translate } from '../modules/templates/translations.ts';
import { seedDemo } from './seed.ts';
import { WALKTHROUGH_STEPS, walkthroughTask } from './walkthrough.ts';

/**
 * The first `npm start` must show the whole transactional series in the dev mailbox: the demo's live
 * order walks from placed to delivered through durable jobs, and the journeys mail each step in the
 * customer's language, in order.
 */
let h: Harness;
before(async () => {
  h = await createHarness();
});
after(() => h.close());

async function pendingWalkthrough() {
  const { rows } = await sql<{ payload: unknown; run_at: Date }>`
    SELECT p.payload, j.run_at FROM graphile_worker.jobs j JOIN graphile_worker._private_jobs p ON p.id = j.id
    WHERE j.task_identifier = 'demo.walkthrough'`.execute(h.t.database.db);
  return rows;
}

test('the live demo order walks to delivered and the mailbox gets the whole series in Portuguese', async () => {
  const start = new Date();
  const demo = await seedDemo({ db: h.t.database.db, config: h.t.config, now: start });
  assert.ok(demo?.live, 'the demo has a live order');
  assert.equal(demo.live.locale, 'pt-BR');
  await h.pump(start);

  for (const stage of WALKTHROUGH_STEPS) {
    const jobs = await pendingWalkthrough();
    assert.equal(jobs.length, 1, `one step waits before "${stage}"`);
    assert.ok(jobs[0]!.run_at.getTime() > start.getTime(), 'each step waits a few seconds');
    const payload = walkthroughTask.payload.parse(jobs[0]!.payload);
    assert.equal(WALKTHROUGH_STEPS[payload.step], stage);
    await sql`DELETE FROM graphile_worker._private_jobs WHERE key = ${`demo.walkthrough:${payload.orderId}`}`.execute(
      h.t.database.db,
    );
    await walkthroughTask.run(payload, {
      db: h.t.database.db,
      channels: h.channels,
      config: h.t.config,
      logger: silentLogger,
      jobId: 'test',
      attempt: 1,
      maxAttempts: 25,
    });
    await h.pump(new Date());
  }
  assert.equal((await pendingWalkthrough()).length, 0, 'the walk ends at delivered');

  const subjects = mailsTo(h.mailbox, 'beatriz.souza@example.com').map((m) => m.subject);
  const expected = [
    'order_confirmation',
    'payment_confirmed',
    'order_shipped',
    'out_for_delivery',
    'delivered',
  ].map((key) =>
    translate('pt-BR', `${key}.subject`, { number: demo.live!.number, shop: demo.merchantName }),
  );
  assert.deepEqual(subjects, expected);
  assert.equal(h.deliveryErrors.length, 0);
});
