import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../../../test/helpers.ts';
import { withTransaction } from '../../../db/pool.ts';
import { bool, copyRows, json, num, text, textArray, time } from './copy.ts';

/** The import writes orders by COPY: what goes in must come back exactly, and a refusal must not crash. */
let database: TestDatabase;
before(async () => {
  database = await createTestDatabase();
});
after(() => database.drop());

test('values with tabs, newlines, backslashes, a literal \\N, NULLs, quoted array items and JSON come back as written', async () => {
  const awkward = ['tab\there', 'line\nbreak', 'cr\rlf', 'back\\slash', '\\N', 'plain', 'ünïcödé ✓'];
  const tags = ['black friday', 'a,b', '{braces}', 'quote"d', 'back\\slash', ''];
  const doc = { note: 'tab\tand\nnewline', nested: { n: 1, s: '\\' } };
  const at = new Date('2026-11-29T10:11:12.345Z');
  const rows = await withTransaction(database.db, async (tx) => {
    await sql`CREATE TEMP TABLE copied (i int, t text, n int, b boolean, at timestamptz, j jsonb, tags text[]) ON COMMIT DROP`.execute(
      tx,
    );
    await copyRows(tx, {
      table: 'copied',
      columns: ['i', 't', 'n', 'b', 'at', 'j', 'tags'],
      rows: [
        ...awkward.map(
          (v, i) =>
            `${[num(i), text(v), num(i * 10), bool(i % 2 === 0), time(at), json(doc), textArray(tags)].join('\t')}\n`,
        ),
        `${[num(99), text(null), num(null), bool(false), time(null), json(null), textArray([])].join('\t')}\n`,
      ],
    });
    return (
      await sql<{
        i: number;
        t: string | null;
        n: number | null;
        b: boolean;
        at: Date | null;
        j: unknown;
        tags: string[];
      }>`SELECT * FROM copied ORDER BY i`.execute(tx)
    ).rows;
  });
  assert.deepEqual(
    rows.slice(0, -1).map((r) => r.t),
    awkward,
  );
  for (const r of rows.slice(0, -1)) {
    assert.deepEqual(r.tags, tags);
    assert.deepEqual(r.j, doc);
    assert.equal(r.at?.toISOString(), at.toISOString());
  }
  assert.deepEqual(rows.at(-1), { i: 99, t: null, n: null, b: false, at: null, j: null, tags: [] });
});

test('a COPY the server refuses half-way (a duplicate key 5 MB in) rejects, and the process carries on', async () => {
  const pad = 'x'.repeat(100);
  const rows = Array.from({ length: 50_000 }, (_, i) => `${i === 40_000 ? 1 : i}\t${pad}\n`);
  await assert.rejects(
    withTransaction(database.db, async (tx) => {
      await sql`CREATE TEMP TABLE unique_rows (id int PRIMARY KEY, pad text) ON COMMIT DROP`.execute(tx);
      await copyRows(tx, { table: 'unique_rows', columns: ['id', 'pad'], rows });
    }),
    /duplicate key/,
  );
  // The pool's connections still work afterwards.
  const { rows: ok } = await sql<{ ok: number }>`SELECT 1 AS ok`.execute(database.db);
  assert.deepEqual(ok, [{ ok: 1 }]);
});
