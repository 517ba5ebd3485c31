import { sql } from 'kysely';
import { type Db, type Tx, withTransaction } from '../../../db/pool.ts';

/**
 * Writes batches in their own transactions, several at once on separate connections, yet commits them in
 * the order they were submitted, so a checkpoint written with batch N always means "everything before N
 * is in". One database backend alone was the import's bottleneck (its CPU inserting rows and checking
 * keys), while the importing process mostly waited; two backends use both cores.
 *
 * Each batch runs `write` (the rows), then waits for the batch before it to end, then runs `tail` (the
 * counters and the checkpoint) and commits. The wait is on a transaction-level advisory lock that the
 * batch before holds until it ends, so it is a wait PostgreSQL can see: should two batches ever need each
 * other's rows (a customer enriched by one and counted by the other), the deadlock is detected and one
 * fails instead of both hanging. A batch that fails while others run (a deadlock, or an order that two
 * batches both inserted) makes the batches after it fail too; they are then written again one at a time,
 * and only a failure when written alone ends the import.
 */
export function orderedWriter<B, W>(opts: {
  db: Db;
  /** Unique to this import run: batches of different runs never wait for each other. */
  lockPrefix: string;
  inFlight: number;
  /** `afterPrevious` waits until the batch before this one has committed (and throws if it did not). */
  write: (tx: Tx, batch: B, afterPrevious: () => Promise<void>) => Promise<W>;
  tail: (tx: Tx, batch: B, written: W) => Promise<void>;
  /** Called once per batch, in order, after it committed. */
  committed: (batch: B, written: W) => void;
  /** Called when a batch failed alongside others, before they are written again one at a time. */
  failed?: () => void;
}) {
  interface Entry {
    batch: B;
    done: Promise<W>;
  }
  const queue: Entry[] = [];
  let submitted = 0;
  let previous: { index: number; done: Promise<W> } | null = null;
  let fatal: unknown = null;

  const lock = (tx: Tx, index: number) =>
    sql`SELECT pg_advisory_xact_lock(hashtextextended(${`${opts.lockPrefix}:${index}`}, 0))`.execute(tx);

  /** Starts a batch; resolves once it holds its own lock, so the next batch can wait for it. */
  async function start(batch: B): Promise<Entry> {
    const index = submitted++;
    const before = previous;
    let holding: () => void = () => {};
    const locked = new Promise<void>((resolve) => {
      holding = resolve;
    });
    const done = withTransaction(opts.db, async (tx) => {
      await lock(tx, index);
      holding();
      let waited = false;
      const afterPrevious = async () => {
        if (!before || waited) return;
        await lock(tx, before.index);
        await before.done; // it ended; throws (rolling this one back) if it did not commit
        waited = true;
      };
      const written = await opts.write(tx, batch, afterPrevious);
      await afterPrevious();
      await opts.tail(tx, batch, written);
      return written;
    });
    done.then(
      (written) => {
        // The batch is in: a failure after this point (writing the report, say) ends the import rather
        // than writing the batch again.
        try {
          opts.committed(batch, written);
        } catch (err) {
          fatal ??= err;
        }
      },
      () => {},
    );
    done.finally(holding).catch(() => {});
    previous = { index, done };
    await locked;
    return { batch, done };
  }

  async function retire(entry: Entry) {
    try {
      await entry.done;
    } catch {
      // Written alone, in order: the failed batch and every one after it.
      await Promise.allSettled(queue.map((e) => e.done));
      const again = [entry, ...queue.splice(0)];
      previous = null;
      opts.failed?.();
      for (const e of again) {
        const alone = await start(e.batch);
        await alone.done;
      }
    }
  }

  const rethrow = () => {
    if (fatal) throw fatal;
  };
  return {
    async submit(batch: B) {
      rethrow();
      while (queue.length >= opts.inFlight) await retire(queue.shift()!);
      queue.push(await start(batch));
    },
    async finish() {
      while (queue.length > 0) await retire(queue.shift()!);
      rethrow();
    },
  };
}
