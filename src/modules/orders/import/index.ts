import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { SingleBar } from 'cli-progress';
import { parse as parseCsv } from 'csv-parse';
import { type Db, withTransaction } from '../../../db/pool.ts';
import { NotFoundError, ValidationError } from '../../../lib/errors.ts';
import { countNewOrders } from '../../customers/index.ts';
import { appendEvent } from '../../events/index.ts';
import { findMerchant } from '../../merchants/index.ts';
import { jsonlReader } from './jsonl.ts';
import { ImportLinks } from './links.ts';
import { nativeCsvReader } from './native-csv.ts';
import { orderedWriter } from './ordered-writer.ts';
import { advanceRun, findOrStartRun, finishRun } from './runs.ts';
import type { ImportOrder, OrderRowReader, RejectedRow } from './types.ts';
import { isUciHeader, uciReader } from './uci.ts';
import { writeOrderBatch } from './write-batch.ts';

export type ImportFormat = 'csv' | 'jsonl' | 'uci';

export interface ImportSummary {
  importId: string;
  file: string;
  format: ImportFormat;
  alreadyImported: boolean;
  resumedFromRow: number;
  rowsRead: number;
  ordersImported: number;
  linesImported: number;
  rowsRejected: number;
  reportPath: string | null;
  seconds: number;
  linesPerSecond: number;
}

const SOURCE = 'import';
/** Batches written at once: one database backend per core of a small machine. */
const WRITERS = 2;

/**
 * Imports order history from a .csv (Afterglow's layout or the UCI Online Retail layout) or .jsonl file,
 * optionally .gz or .xz compressed. Orders are written in batches, each batch with its checkpoint in one
 * transaction, so an interrupted import resumes where it stopped when run again on the same file.
 * Rejected rows go to a CSV report with their row number and reason.
 */
export async function importOrdersFile(opts: {
  db: Db;
  merchantId: string;
  file: string;
  format?: ImportFormat;
  currency?: string;
  batchSize?: number;
  reportPath?: string;
  progress?: boolean;
}): Promise<ImportSummary> {
  const started = Date.now();
  const merchant = await findMerchant(opts.db, opts.merchantId);
  if (!merchant) throw new NotFoundError('Merchant', { id: opts.merchantId });
  if (!existsSync(opts.file))
    throw new ValidationError(`No such file: ${opts.file}`, undefined, 'file_not_found');
  const size = (await stat(opts.file)).size;
  const sha256 = await hashFile(opts.file);
  const format = opts.format ?? (await detectFormat(opts.file));
  const run = await findOrStartRun(opts.db, {
    merchantId: merchant.id,
    fileName: path.basename(opts.file),
    sha256,
    format,
  });
  const reportPath = opts.reportPath ?? `${opts.file.replace(/\.(gz|xz)$/, '')}.rejected.csv`;
  const summary = (extra: Partial<ImportSummary>): ImportSummary => ({
    importId: run.id,
    file: opts.file,
    format,
    alreadyImported: false,
    resumedFromRow: 0,
    rowsRead: 0,
    ordersImported: 0,
    linesImported: 0,
    rowsRejected: 0,
    reportPath: null,
    seconds: (Date.now() - started) / 1000,
    linesPerSecond: 0,
    ...extra,
  });
  if (run.status === 'finished') {
    return summary({
      alreadyImported: true,
      rowsRead: run.rows_read,
      ordersImported: run.orders_imported,
      linesImported: run.lines_imported,
      rowsRejected: run.rows_rejected,
    });
  }

  const currency = (opts.currency ?? (format === 'uci' ? 'GBP' : merchant.currency)).toUpperCase();
  const reader: OrderRowReader =
    format === 'uci'
      ? uciReader({ currency })
      : format === 'jsonl'
        ? jsonlReader()
        : nativeCsvReader({ currency });
  const skipUntil = run.rows_read;
  const report = new RejectionReport(reportPath, skipUntil > 0);
  const batchSize = opts.batchSize ?? (format === 'jsonl' ? 500 : 1000);
  const bar = opts.progress
    ? new SingleBar({
        format: 'importing [{bar}] {percentage}% | {orders} orders | {rejected} rejected | ETA {eta}s',
      })
    : null;
  bar?.start(size, 0, { orders: 0, rejected: 0 });

  const totals = { orders: 0, lines: 0, rejected: 0 };
  interface Batch {
    orders: ImportOrder[];
    checkpoint: number;
    rejected: RejectedRow[];
  }
  const links = new ImportLinks();
  // The file is read and mapped while earlier batches are written, and two batches are written at once
  // (see ordered-writer.ts); they still commit in file order, each with its checkpoint.
  const writer = orderedWriter({
    db: opts.db,
    lockPrefix: `import:${run.id}`,
    inFlight: WRITERS,
    write: async (tx, b: Batch, afterPrevious) => {
      const staged = links.stage();
      const written = await writeOrderBatch({
        tx,
        merchantId: merchant.id,
        source: SOURCE,
        defaultLocale: merchant.locale,
        orders: b.orders,
        links: staged,
        afterPrevious,
      });
      return { ...written, staged };
    },
    tail: async (tx, b, w) => {
      await countNewOrders(tx, merchant.id, w.counted);
      await advanceRun(
        tx,
        { merchantId: merchant.id, id: run.id },
        {
          rowsRead: b.checkpoint,
          orders: w.orders,
          lines: w.lines,
          rejected: b.rejected.length + w.duplicates.reduce((n, o) => n + o.rows.length, 0),
        },
      );
    },
    committed: (b, w) => {
      links.commit(w.staged);
      const dupRows = w.duplicates.flatMap((o) =>
        o.rows.map((row) => ({ row, reason: `order ${o.data.number} was already imported`, raw: '' })),
      );
      report.write([...b.rejected, ...dupRows]);
      totals.orders += w.orders;
      totals.lines += w.lines;
      totals.rejected += b.rejected.length + dupRows.length;
      bar?.update({ orders: totals.orders, rejected: totals.rejected });
    },
    failed: () => links.clear(),
  });
  let batch: ImportOrder[] = [];
  const submit = async (checkpoint: number) => {
    const orders = batch;
    batch = [];
    const rejected = reader.rejected.filter((r) => r.row <= checkpoint);
    reader.rejected.splice(0, reader.rejected.length, ...reader.rejected.filter((r) => r.row > checkpoint));
    await writer.submit({ orders, checkpoint, rejected });
  };

  let rowNumber = 0;
  for await (const rows of openRows(opts.file, format, (n) => bar?.increment(n))) {
    for (const row of rows) {
      rowNumber++;
      if (rowNumber <= skipUntil) continue;
      for (const order of reader.push(row, rowNumber)) batch.push(order);
      if (batch.length >= batchSize) {
        const pending = reader.pendingFrom();
        await submit(pending === null ? rowNumber : pending - 1);
      }
    }
  }
  for (const order of reader.flush()) batch.push(order);
  await submit(rowNumber);
  await writer.finish();
  await report.close();
  bar?.stop();

  const finished = await withTransaction(opts.db, async (tx) => {
    const done = await finishRun(tx, { merchantId: merchant.id, id: run.id });
    await appendEvent(tx, {
      merchantId: merchant.id,
      type: 'import.completed',
      subjectType: 'import',
      subjectId: run.id,
      occurredAt: new Date(),
      payload: {
        file: path.basename(opts.file),
        orders: done.orders_imported,
        lines: done.lines_imported,
        rejected: done.rows_rejected,
      },
    });
    return done;
  });
  const seconds = (Date.now() - started) / 1000;
  return summary({
    resumedFromRow: skipUntil,
    rowsRead: rowNumber,
    ordersImported: finished.orders_imported,
    linesImported: finished.lines_imported,
    rowsRejected: finished.rows_rejected,
    reportPath: finished.rows_rejected > 0 ? reportPath : null,
    seconds,
    linesPerSecond: Math.round(totals.lines / Math.max(seconds, 0.001)),
  });
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function decompressed(file: string): Readable {
  if (file.endsWith('.gz')) return createReadStream(file).pipe(createGunzip());
  if (file.endsWith('.xz')) {
    const child = spawn('xz', ['-dc', file], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.on('error', () => {
      throw new ValidationError(
        'Reading .xz files needs the xz program; decompress the file first.',
        undefined,
        'xz_missing',
      );
    });
    return child.stdout;
  }
  return createReadStream(file);
}

async function detectFormat(file: string): Promise<ImportFormat> {
  const base = file.replace(/\.(gz|xz)$/, '');
  if (base.endsWith('.jsonl') || base.endsWith('.ndjson')) return 'jsonl';
  if (!base.endsWith('.csv'))
    throw new ValidationError(
      'Give a .csv or .jsonl file (optionally .gz or .xz), or pass --format.',
      undefined,
      'unknown_format',
    );
  const stream = decompressed(file);
  const lines = createInterface({ input: stream });
  let header = '';
  for await (const line of lines) {
    header = line;
    break;
  }
  lines.close();
  stream.destroy();
  const columns = header
    .replace(/^\uFEFF/, '')
    .split(',')
    .map((c) => c.replace(/^"|"$/g, '').trim());
  return isUciHeader(columns) ? 'uci' : 'csv';
}

/** The file's rows, a chunk at a time: CSV records keyed by the header, or JSONL lines. */
async function* openRows(
  file: string,
  format: ImportFormat,
  onBytes: (n: number) => void,
): AsyncGenerator<Array<Record<string, string> | string>> {
  const bytes = decompressed(file);
  if (format === 'jsonl') {
    bytes.on('data', (chunk: Buffer | string) => onBytes(chunk.length));
    for await (const line of createInterface({ input: bytes, crlfDelay: Number.POSITIVE_INFINITY }))
      yield [line];
    return;
  }
  bytes.on('data', (chunk: Buffer | string) => onBytes(chunk.length));
  const parser = bytes.pipe(
    parseCsv({
      columns: (h: string[]) => h.map((c) => c.replace(/^\uFEFF/, '').trim()),
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }),
  );
  // Records in chunks: the reader maps a chunk at a time, without an await per record.
  let chunk: Array<Record<string, string>> = [];
  for await (const record of parser as AsyncIterable<Record<string, string>>) {
    chunk.push(record);
    if (chunk.length === 500) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** Rejected rows as CSV (row, reason, raw), appended when an import resumes. */
class RejectionReport {
  private out: ReturnType<typeof createWriteStream> | null = null;
  constructor(
    private readonly file: string,
    private readonly append: boolean,
  ) {}
  write(rows: RejectedRow[]) {
    if (rows.length === 0) return;
    if (!this.out) {
      this.out = createWriteStream(this.file, { flags: this.append ? 'a' : 'w' });
      if (!this.append) this.out.write('row,reason,raw\n');
    }
    for (const r of rows.sort((a, b) => a.row - b.row))
      this.out.write(`${r.row},${csv(r.reason)},${csv(r.raw)}\n`);
  }
  close(): Promise<void> {
    return new Promise((resolve) => (this.out ? this.out.end(resolve) : resolve()));
  }
}

function csv(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
