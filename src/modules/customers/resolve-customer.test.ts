import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import {
  createTestDatabase,
  createTestMerchant,
  type TestDatabase,
  testConfig,
} from '../../../test/helpers.ts';
import type { DbOrTx } from '../../db/pool.ts';
import { newId } from '../../lib/ids.ts';
import { findCustomer, listIdentities } from './repo.ts';
import { type CustomerFacts, resolveCustomer } from './resolve-customer.ts';

let database: TestDatabase;
let merchantId: string;

before(async () => {
  database = await createTestDatabase();
  merchantId = (await createTestMerchant({ database, config: testConfig() }, { currency: 'BRL' })).id;
});
after(() => database.drop());

let seq = 0;
/** Unique contact details per test so tests do not match each other's customers. */
const unique = () => {
  seq++;
  return {
    email: `buyer${seq}.${Date.now()}@example.com`,
    phone: `+55119${String(10_000_000 + seq * 7919).slice(-8)}`,
  };
};

function resolve(facts: CustomerFacts, opts: { source?: string; channel?: string; tx?: DbOrTx } = {}) {
  return resolveCustomer({
    tx: opts.tx ?? database.db,
    merchantId,
    source: opts.source ?? 'shopify',
    channel: opts.channel ?? 'web',
    facts,
  });
}

async function customersWith(where: { email?: string; phone?: string }) {
  let q = database.db.selectFrom('customers').selectAll().where('merchant_id', '=', merchantId);
  if (where.email) q = q.where(sql`lower(email)`, '=', where.email.toLowerCase());
  if (where.phone) q = q.where('phone', '=', where.phone);
  return q.execute();
}

async function reload(id: string) {
  const row = await findCustomer(database.db, merchantId, id);
  assert.ok(row, `customer ${id} exists`);
  return row;
}

describe('resolveCustomer', () => {
  test('an order with nothing to identify anyone has no customer', async () => {
    assert.equal(await resolve({}), null);
    assert.equal(await resolve({ firstName: 'Walk-in', lastName: 'Guest', acceptsMarketing: true }), null);
    assert.equal(await resolve({ email: null, phone: null, externalId: null }), null);
  });

  test('a new person becomes a new customer with what the order told us', async () => {
    const { email, phone } = unique();
    const r = await resolve({
      externalId: 'shopify-cust-1',
      email,
      phone,
      firstName: 'Ana',
      lastName: 'Souza',
      locale: 'pt-BR',
      acceptsMarketing: true,
    });
    assert.ok(r);
    assert.equal(r.created, true);
    assert.match(r.customer.id, /^cus_/);
    const row = await reload(r.customer.id);
    assert.equal(row.email, email);
    assert.equal(row.phone, phone);
    assert.equal(row.first_name, 'Ana');
    assert.equal(row.last_name, 'Souza');
    assert.equal(row.locale, 'pt-BR');
    assert.equal(row.accepts_marketing, true);
    const ids = await listIdentities(database.db, merchantId, r.customer.id);
    assert.deepEqual(
      ids.map((i) => [i.source, i.external_id, i.channel]),
      [['shopify', 'shopify-cust-1', 'web']],
    );
  });

  test('matches by the channel identity even when email and phone changed', async () => {
    const first = unique();
    const a = await resolve({ externalId: 'cust-ident-1', email: first.email, firstName: 'Erik' });
    const later = unique();
    const b = await resolve({ externalId: 'cust-ident-1', email: later.email, phone: later.phone });
    assert.equal(b?.customer.id, a?.customer.id);
    assert.equal(b?.created, false);
    const row = await reload(a!.customer.id);
    assert.equal(row.email, first.email, 'a known email is never replaced');
    assert.equal(row.phone, later.phone, 'a missing phone is filled in');
    assert.equal((await customersWith({ email: later.email })).length, 0, 'no second customer was made');
  });

  test('identities are per source: the same external id in another channel is another person', async () => {
    const a = await resolve({ externalId: '1001', email: unique().email }, { source: 'shopify' });
    const b = await resolve({ externalId: '1001', email: unique().email }, { source: 'woocommerce' });
    assert.notEqual(a?.customer.id, b?.customer.id);
    assert.equal(b?.created, true);
  });

  test('matches by email case-insensitively and links the new channel identity', async () => {
    const { email } = unique();
    const id = newId('cus');
    // A customer stored with the capitals the shop typed.
    await database.db
      .insertInto('customers')
      .values({
        merchant_id: merchantId,
        id,
        email: email.replace('buyer', 'Buyer').toUpperCase(),
        phone: null,
        first_name: 'Marta',
        last_name: null,
        locale: null,
        timezone: null,
        first_order_at: null,
        last_order_at: null,
      })
      .execute();
    const r = await resolve({ externalId: 'card-77', email }, { source: 'pos', channel: 'store' });
    assert.equal(r?.customer.id, id);
    assert.equal(r?.created, false);
    assert.equal((await customersWith({ email })).length, 1);
    const ids = await listIdentities(database.db, merchantId, id);
    assert.deepEqual(
      ids.map((i) => [i.source, i.external_id, i.channel]),
      [['pos', 'card-77', 'store']],
    );
    // Next time the store card alone finds her.
    assert.equal(
      (await resolve({ externalId: 'card-77' }, { source: 'pos', channel: 'store' }))?.customer.id,
      id,
    );
  });

  test('matches by phone when the email is new, without replacing the known email', async () => {
    const known = unique();
    const a = await resolve({ email: known.email, phone: known.phone });
    const other = unique();
    const b = await resolve({ email: other.email, phone: known.phone }, { source: 'pos', channel: 'store' });
    assert.equal(b?.customer.id, a?.customer.id);
    assert.equal(b?.created, false);
    assert.equal((await reload(a!.customer.id)).email, known.email);
    assert.equal((await customersWith({ email: other.email })).length, 0);
  });

  test('the surest match wins: channel identity, then email, then phone', async () => {
    const ca = unique();
    const cb = unique();
    const cc = unique();
    const a = await resolve({ externalId: 'prio-1', email: ca.email });
    const b = await resolve({ email: cb.email });
    const c = await resolve({ phone: cc.phone });
    assert.equal(
      (await resolve({ externalId: 'prio-1', email: cb.email, phone: cc.phone }))?.customer.id,
      a?.customer.id,
    );
    assert.equal(
      (await resolve({ email: cb.email, phone: cc.phone }, { source: 'pos' }))?.customer.id,
      b?.customer.id,
    );
    const fresh = unique().email;
    assert.equal(
      (await resolve({ email: fresh, phone: cc.phone }, { source: 'pos' }))?.customer.id,
      c?.customer.id,
    );
    // None of this moved an email or phone from one customer to another; only gaps were filled.
    assert.equal((await reload(a!.customer.id)).email, ca.email);
    assert.equal((await reload(a!.customer.id)).phone, null);
    assert.equal((await reload(b!.customer.id)).phone, null);
    assert.equal((await reload(c!.customer.id)).email, fresh);
  });

  test('enrich fills gaps but never overwrites a known name, email or phone', async () => {
    const { email, phone } = unique();
    const a = await resolve({ email, firstName: 'Ana', acceptsMarketing: true, locale: 'en' });
    const b = await resolve({
      email,
      phone,
      firstName: 'Anna',
      lastName: 'Souza',
      acceptsMarketing: false,
      locale: 'pt-BR',
    });
    assert.equal(b?.customer.id, a?.customer.id);
    const row = await reload(a!.customer.id);
    assert.equal(row.first_name, 'Ana', 'the known first name stays');
    assert.equal(row.last_name, 'Souza', 'the missing last name is filled');
    assert.equal(row.phone, phone, 'the missing phone is filled');
    assert.equal(row.email, email);
    assert.equal(row.accepts_marketing, true, 'a later order without consent does not withdraw it');
    assert.equal(row.locale, 'pt-BR', 'the newest locale is kept');
    // Marketing consent given later is recorded.
    const c = unique();
    const x = await resolve({ email: c.email });
    await resolve({ email: c.email, acceptsMarketing: true });
    assert.equal((await reload(x!.customer.id)).accepts_marketing, true);
    // A later order with fewer facts changes nothing.
    await resolve({ email, locale: null, firstName: null });
    const again = await reload(a!.customer.id);
    assert.equal(again.first_name, 'Ana');
    assert.equal(again.locale, 'pt-BR');
  });

  test('enrich never gives a customer an email or phone that another customer has', async () => {
    const pa = unique();
    const pb = unique();
    const a = await resolve({ email: pa.email });
    const b = await resolve({ phone: pb.phone });
    // An order with A's email and B's phone belongs to A (email is the surer match)...
    const r = await resolve({ email: pa.email, phone: pb.phone });
    assert.equal(r?.customer.id, a?.customer.id);
    // ...but B keeps the phone and A does not get a copy of it.
    assert.equal((await reload(a!.customer.id)).phone, null);
    assert.equal((await reload(b!.customer.id)).phone, pb.phone);
  });

  test('when the phone belongs to someone else, the rest of what the order says is still recorded', async () => {
    const pa = unique();
    const pb = unique();
    const a = await resolve({ email: pa.email });
    await resolve({ phone: pb.phone });
    await resolve({
      email: pa.email,
      phone: pb.phone,
      firstName: 'Lucía',
      acceptsMarketing: true,
      locale: 'es',
    });
    const row = await reload(a!.customer.id);
    assert.equal(row.phone, null);
    assert.equal(row.first_name, 'Lucía');
    assert.equal(row.accepts_marketing, true);
    assert.equal(row.locale, 'es');
  });
});

/** Waits until some session of this database is blocked on a lock (the second insert waiting for the first). */
async function waitForLockWait(timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(database.db);
    if (rows[0]!.n > 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the second transaction never waited for the first');
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('resolveCustomer under concurrency', () => {
  test('two transactions for the same new email make ONE customer', async () => {
    const { email } = unique();
    const firstResolved = deferred();
    const commitFirst = deferred();
    const t1 = database.db.transaction().execute(async (tx) => {
      const r = await resolve({ email, firstName: 'Ana' }, { tx, source: 'shopify' });
      firstResolved.resolve();
      await commitFirst.promise;
      return r;
    });
    await firstResolved.promise;
    const t2 = database.db
      .transaction()
      .execute((tx) => resolve({ email, phone: unique().phone }, { tx, source: 'pos', channel: 'store' }));
    await waitForLockWait();
    commitFirst.resolve();
    const [r1, r2] = await Promise.all([t1, t2]);
    assert.equal(r1?.customer.id, r2?.customer.id, 'both orders belong to the same customer');
    assert.deepEqual([r1?.created, r2?.created], [true, false]);
    assert.equal((await customersWith({ email })).length, 1);
  });

  test('two transactions for the same new phone make ONE customer', async () => {
    const { phone } = unique();
    const firstResolved = deferred();
    const commitFirst = deferred();
    const t1 = database.db.transaction().execute(async (tx) => {
      const r = await resolve({ phone }, { tx });
      firstResolved.resolve();
      await commitFirst.promise;
      return r;
    });
    await firstResolved.promise;
    const t2 = database.db.transaction().execute((tx) => resolve({ phone }, { tx, source: 'pos' }));
    await waitForLockWait();
    commitFirst.resolve();
    const [r1, r2] = await Promise.all([t1, t2]);
    assert.equal(r1?.customer.id, r2?.customer.id);
    assert.equal((await customersWith({ phone })).length, 1);
  });

  test('if the first transaction rolls back, the second one creates the customer', async () => {
    const { email } = unique();
    const firstResolved = deferred();
    const rollbackFirst = deferred();
    const t1 = database.db.transaction().execute(async (tx) => {
      await resolve({ email }, { tx });
      firstResolved.resolve();
      await rollbackFirst.promise;
      throw new Error('order rejected');
    });
    await firstResolved.promise;
    const t2 = database.db.transaction().execute((tx) => resolve({ email }, { tx, source: 'pos' }));
    await waitForLockWait();
    rollbackFirst.resolve();
    await assert.rejects(t1, /order rejected/);
    const r2 = await t2;
    assert.equal(r2?.created, true);
    const rows = await customersWith({ email });
    assert.deepEqual(
      rows.map((r) => r.id),
      [r2?.customer.id],
    );
  });
});
