/**
 * Group commit: callers submit items one by one and get their own result, while the items are handed to
 * `run` in batches. At low load every item runs at once on its own (no added latency); under load the
 * items that arrive while `maxConcurrent` batches are running wait and go together in the next batch, so
 * the per-item cost of a round trip or a commit shrinks as traffic grows.
 */
export function groupCommit<I, O>(opts: {
  maxBatch: number;
  maxConcurrent: number;
  /** Must return one result per item, in order. A rejection fails every item of the batch. */
  run(items: I[]): Promise<O[]>;
}): (item: I) => Promise<O> {
  const queue: Array<{ item: I; resolve(o: O): void; reject(e: unknown): void }> = [];
  let running = 0;
  let scheduled = false;

  function pump() {
    scheduled = false;
    while (running < opts.maxConcurrent && queue.length > 0) {
      const batch = queue.splice(0, opts.maxBatch);
      running++;
      opts
        .run(batch.map((b) => b.item))
        .then(
          (results) => {
            for (const [i, b] of batch.entries()) b.resolve(results[i] as O);
          },
          (err) => {
            for (const b of batch) b.reject(err);
          },
        )
        .finally(() => {
          running--;
          pump();
        });
    }
  }

  return (item) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      // Let the requests that arrived in the same turn of the event loop join one batch.
      if (!scheduled) {
        scheduled = true;
        setImmediate(pump);
      }
    });
}
