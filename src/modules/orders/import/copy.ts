import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CompiledQuery } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import type { DbOrTx } from '../../../db/pool.ts';

/**
 * `COPY <table> (<columns>) FROM STDIN` on the caller's transaction, with rows already in COPY's text format
 * (see the encoders below). COPY is the fastest way into PostgreSQL: no statement per row, no JSON, and the
 * server inserts rows in groups.
 *
 * Kysely has no COPY (kysely-org/kysely#1509). Its pg driver hands a compiled query's `sql` to the pg
 * client's `query()` as it is, and pg runs any object with a `submit()` method there — which is how
 * pg-copy-streams works — on the transaction's own connection, in order with its other statements.
 * `table` and `columns` are identifiers from our code, never from input.
 */
export async function copyRows(tx: DbOrTx, opts: { table: string; columns: string[]; rows: string[] }) {
  if (opts.rows.length === 0) return;
  const stream = copyFrom(`COPY ${opts.table} (${opts.columns.join(', ')}) FROM STDIN`);
  const query = { ...CompiledQuery.raw(''), sql: stream as unknown as string };
  await tx.executeQuery(query);
  // Written in pieces of ~64 KB (one CopyData message per piece, not per row), at the pace the socket takes
  // them: should the server refuse the COPY half-way (a duplicate key, a deadlock with the other writer),
  // nothing is left queued behind it and the error rejects here.
  await pipeline(Readable.from(pieces(opts.rows)), stream);
}

function* pieces(rows: string[]): Generator<string> {
  let piece = '';
  for (const row of rows) {
    piece += row;
    if (piece.length >= 65_536) {
      yield piece;
      piece = '';
    }
  }
  if (piece) yield piece;
}

// COPY text format: columns separated by tabs, rows ending in a newline, \N for NULL, and a backslash
// escaping backslash, tab, newline and carriage return inside values.
const SPECIAL = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export function text(value: string | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  return SPECIAL.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : value;
}

export function num(value: number | null | undefined): string {
  return value === null || value === undefined ? '\\N' : String(value);
}

export function bool(value: boolean): string {
  return value ? 't' : 'f';
}

export function time(value: Date | null | undefined): string {
  return value ? value.toISOString() : '\\N';
}

export function json(value: unknown): string {
  return value === null || value === undefined ? '\\N' : text(JSON.stringify(value));
}

/** A text[] value: every element double-quoted, so commas, braces and spaces in tags stay inside it. */
export function textArray(values: string[]): string {
  if (values.length === 0) return '{}';
  return text(`{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`);
}
