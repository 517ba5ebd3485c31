import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import {
  createTestDatabase,
  createTestMerchant,
  type TestDatabase,
  testConfig,
} from '../../../test/helpers.ts';
import { withTransaction } from '../../db/pool.ts';
import { appendEvent, appendEvents } from './append-event.ts';
import { listEvents } from './repo.ts';
import { SUBSCRIPTIONS, subscribersOf } from './subscriptions.ts';
import type { NewEvent } from './types.ts';

let database: TestDatabase;
let merchantId: string;

before(async () => {
  database = await createTestDatabase();
  merchantId = (await createTestMerchant({ database, config: testConfig() })).id;
});
after(() => database.drop());

interface JobRow {
  id: string;
  task_identifier: string;
  key: string | null;
  payload: Record<string, unknown>;
  attempts: number;
}

/** Jobs as the queue holds them (the public view has no payload: join the private table). */
async function jobsFor(eventIds: string[]): Promise<JobRow[]> {
  if (eventIds.length === 0) return [];
  const { rows } = await sql<JobRow>`
    SELECT j.id::text AS id, j.task_identifier, j.key, p.payload, j.attempts
    FROM graphile_worker.jobs j JOIN graphile_worker._private_jobs p ON p.id = j.id
    WHERE p.payload->>'eventId' IN (${sql.join(eventIds)})
    ORDER BY j.id`.execute(database.db);
  return rows;
}

async function eventsById(ids: string[]) {
  if (ids.length === 0) return [];
  return database.db.selectFrom('events').selectAll().where('id', 'in', ids).orderBy('seq').execute();
}

const ev = (type: NewEvent['type'], subjectId: string, extra: Partial<NewEvent> = {}): NewEvent => ({
  merchantId,
  type,
  subjectType: 'order',
  subjectId,
  occurredAt: new Date('2025-11-28T12:00:00Z'),
  payload: { orderId: subjectId, customerId: 'cus_x' },
  ...extra,
});

describe('appendEvents', () => {
  test('inserts the events in input order, with increasing seq, and returns their ids', async () => {
    const input = [
      ev('order.placed', 'ord_A', { payload: { orderId: 'ord_A', number: '#1' } }),
      ev('order.paid', 'ord_A'),
      ev('order.updated', 'ord_A', { payload: { changed: ['note'] } }),
      ev('shipment.created', 'shp_A', {
        subjectType: 'shipment',
        occurredAt: new Date('2025-11-29T08:00:00Z'),
      }),
    ];
    const ids = await appendEvents(database.db, input);
    assert.equal(ids.length, 4);
    for (const id of ids) assert.match(id, /^evt_[0-9A-Z]{26}$/);
    assert.equal(new Set(ids).size, 4);

    const rows = await eventsById(ids);
    assert.deepEqual(
      rows.map((r) => r.id),
      ids,
      'seq follows input order',
    );
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i]!.seq > rows[i - 1]!.seq);
    assert.deepEqual(
      rows.map((r) => r.type),
      ['order.placed', 'order.paid', 'order.updated', 'shipment.created'],
    );
    assert.deepEqual(rows[0]!.payload, { orderId: 'ord_A', number: '#1' });
    assert.deepEqual(rows[2]!.payload, { changed: ['note'] });
    assert.equal(rows[3]!.subject_type, 'shipment');
    assert.equal(rows[3]!.subject_id, 'shp_A');
    assert.equal(rows[3]!.occurred_at.toISOString(), '2025-11-29T08:00:00.000Z');
    assert.equal(rows[0]!.merchant_id, merchantId);

    // A second batch continues after the first: the log can be paged by seq.
    const more = await appendEvents(database.db, [ev('order.delivered', 'ord_A')]);
    const [next] = await eventsById(more);
    assert.ok(next!.seq > rows[3]!.seq);
    const page = await listEvents(database.db, {
      merchantId,
      afterSeq: rows[1]!.seq,
      limit: 10,
      subjectId: 'ord_A',
    });
    assert.deepEqual(
      page.map((e) => e.type),
      ['order.updated', 'order.delivered'],
    );
  });

  test('an event without a payload stores {}', async () => {
    const { payload: _omit, ...noPayload } = ev('customer.created', 'cus_1', { subjectType: 'customer' });
    const id = await appendEvent(database.db, noPayload);
    const [row] = await eventsById([id]);
    assert.deepEqual(row!.payload, {});
  });

  /** Subscribers that need journeys or webhook endpoints, which this test merchant has none of. */
  const withoutGuarded = (tasks: string[]) =>
    tasks.filter((t) => t !== 'journeys.dispatch' && t !== 'webhooks.dispatch');

  test('enqueues one job per subscriber, keyed "<task>:<eventId>", carrying the event id', async () => {
    const types: NewEvent['type'][] = [
      'order.placed',
      'order.cancelled',
      'order.refunded',
      'order.updated',
      'order.paid',
    ];
    const ids = await appendEvents(
      database.db,
      types.map((t, i) => ev(t, `ord_J${i}`)),
    );
    const jobs = await jobsFor(ids);
    const expected = ids.flatMap((id, i) =>
      withoutGuarded(subscribersOf(types[i]!)).map((task) => ({
        task,
        key: `${task}:${id}`,
        eventId: id,
        type: types[i],
      })),
    );
    // order.placed/cancelled/refunded refresh customer stats; with no journeys or webhook endpoints
    // the '*' subscribers are not worth a job.
    assert.equal(expected.length, 3);
    assert.deepEqual(
      jobs
        .map((j) => ({
          task: j.task_identifier,
          key: j.key,
          eventId: j.payload.eventId,
          type: j.payload.type,
        }))
        .sort((a, b) => String(a.key).localeCompare(String(b.key))),
      expected.sort((a, b) => a.key.localeCompare(b.key)),
    );
    for (const j of jobs) {
      assert.equal(j.payload.merchantId, merchantId);
      assert.equal(j.attempts, 0);
    }
  });

  test('every event type with subscribers gets exactly its subscribers as jobs', async () => {
    for (const [type, tasks] of Object.entries(SUBSCRIPTIONS)) {
      if (type === '*') continue;
      const id = await appendEvent(database.db, ev(type as NewEvent['type'], 'ord_S'));
      const jobs = await jobsFor([id]);
      assert.deepEqual(
        jobs.map((j) => j.task_identifier).sort(),
        withoutGuarded(subscribersOf(type)).sort(),
        type,
      );
      assert.ok(tasks.length > 0);
    }
  });

  test('journeys.dispatch and webhooks.dispatch jobs only for a merchant with journeys or endpoints', async () => {
    const quiet = await appendEvent(database.db, ev('order.paid', 'ord_Q1'));
    assert.deepEqual(
      (await jobsFor([quiet])).map((j) => j.task_identifier),
      [],
    );
    await database.db
      .insertInto('journeys')
      .values({ merchant_id: merchantId, id: 'jny_test', name: 'j', active: true, current_version: 1 })
      .execute();
    await database.db
      .insertInto('webhook_endpoints')
      .values({
        merchant_id: merchantId,
        id: 'whe_test',
        url: 'https://93.184.216.34/h',
        secret_sealed: 'x',
        events: [],
      })
      .execute();
    const busy = await appendEvent(database.db, ev('order.paid', 'ord_Q2'));
    assert.deepEqual((await jobsFor([busy])).map((j) => j.task_identifier).sort(), [
      'journeys.dispatch',
      'webhooks.dispatch',
    ]);
    await database.db.deleteFrom('journeys').where('id', '=', 'jny_test').execute();
    await database.db.deleteFrom('webhook_endpoints').where('id', '=', 'whe_test').execute();
  });

  test('an empty batch writes nothing', async () => {
    const before = await database.db
      .selectFrom('events')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    assert.deepEqual(await appendEvents(database.db, []), []);
    const afterCount = await database.db
      .selectFrom('events')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(afterCount.n, before.n);
  });

  test('events and jobs are written in the caller transaction: a rollback leaves neither', async () => {
    let ids: string[] = [];
    await assert.rejects(
      withTransaction(database.db, async (tx) => {
        ids = await appendEvents(tx, [ev('order.placed', 'ord_R'), ev('order.cancelled', 'ord_R')]);
        // Inside the transaction both exist...
        const inside = await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM graphile_worker._private_jobs
          WHERE payload->>'eventId' IN (${sql.join(ids)})`.execute(tx);
        assert.equal(inside.rows[0]!.n, 2);
        throw new Error('the business write failed');
      }),
      /the business write failed/,
    );
    assert.equal(ids.length, 2);
    assert.deepEqual(await eventsById(ids), []);
    assert.deepEqual(await jobsFor(ids), []);
  });

  test('a job is invisible to workers until the transaction that caused it commits', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let ids: string[] = [];
    let appended!: () => void;
    const didAppend = new Promise<void>((r) => {
      appended = r;
    });
    const txDone = withTransaction(database.db, async (tx) => {
      ids = await appendEvents(tx, [ev('order.placed', 'ord_C')]);
      appended();
      await gate;
    });
    await didAppend;
    // Another connection (as a worker would use) sees neither the event nor the job yet.
    assert.deepEqual(await jobsFor(ids), []);
    assert.deepEqual(await eventsById(ids), []);
    release();
    await txDone;
    assert.equal((await jobsFor(ids)).length, 1);
    assert.equal((await eventsById(ids)).length, 1);
  });
});
