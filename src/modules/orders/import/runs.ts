import type { Selectable } from 'kysely';
import type { DbOrTx } from '../../../db/pool.ts';
import type { ImportRunsTable } from '../../../db/schema.ts';
import { newId } from '../../../lib/ids.ts';

export type ImportRunRow = Selectable<ImportRunsTable>;

/** The run for this exact file (by content hash): a re-run of the same file resumes or reports it done. */
export async function findOrStartRun(
  db: DbOrTx,
  r: { merchantId: string; fileName: string; sha256: string; format: string },
): Promise<ImportRunRow> {
  await db
    .insertInto('import_runs')
    .values({
      merchant_id: r.merchantId,
      id: newId('imp'),
      file_name: r.fileName,
      file_sha256: r.sha256,
      format: r.format,
      status: 'running',
    })
    .onConflict((oc) => oc.columns(['merchant_id', 'file_sha256']).doNothing())
    .execute();
  return db
    .selectFrom('import_runs')
    .selectAll()
    .where('merchant_id', '=', r.merchantId)
    .where('file_sha256', '=', r.sha256)
    .executeTakeFirstOrThrow();
}

/** Moves the checkpoint forward inside the batch's transaction: the batch and its checkpoint commit together. */
export async function advanceRun(
  db: DbOrTx,
  run: { merchantId: string; id: string },
  d: { rowsRead: number; orders: number; lines: number; rejected: number },
): Promise<void> {
  await db
    .updateTable('import_runs')
    .set((eb) => ({
      rows_read: d.rowsRead,
      orders_imported: eb('orders_imported', '+', d.orders),
      lines_imported: eb('lines_imported', '+', d.lines),
      rows_rejected: eb('rows_rejected', '+', d.rejected),
    }))
    .where('merchant_id', '=', run.merchantId)
    .where('id', '=', run.id)
    .execute();
}

export async function finishRun(db: DbOrTx, run: { merchantId: string; id: string }): Promise<ImportRunRow> {
  return db
    .updateTable('import_runs')
    .set({ status: 'finished', finished_at: new Date() })
    .where('merchant_id', '=', run.merchantId)
    .where('id', '=', run.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
