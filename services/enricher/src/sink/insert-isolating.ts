import type { ClassifiedError, UnknownErrorBudget } from '@cdnlog/common';

export interface RefusedRow {
  /** Index of the row in the rows given. */
  index: number;
  error: ClassifiedError;
}

export interface InsertIsolatingOptions<R> {
  insert: (rows: R[]) => Promise<void>;
  classify: (err: unknown) => ClassifiedError;
  /** Turns `unknown` errors into transient ones for a while, then deterministic ones. */
  budget: UnknownErrorBudget;
  /** Called before each backoff wait on a transient error. */
  onRetry?: (error: ClassifiedError, attempt: number, retryInMs: number) => void;
  retryInitialMs?: number;
  retryMaxMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Insert `rows`, isolating the rows the store refuses:
 * - a transient error (store down, slow, overloaded) is retried with backoff
 *   until it succeeds: nothing is dropped because the store is unavailable;
 * - a deterministic error (the data is refused) splits the rows in halves and
 *   inserts each, recursively, until a single row fails alone: that row is
 *   returned as refused, every other row is inserted.
 * One bad row in n costs about 2·log2(n) extra inserts. Re-inserting rows that
 * already landed (a half that succeeded before a later split) is harmless only
 * for a table that collapses duplicates, as `enriched_logs` does on its sort key.
 */
export async function insertIsolating<R>(rows: R[], opts: InsertIsolatingOptions<R>): Promise<RefusedRow[]> {
  const refused: RefusedRow[] = [];
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const attempt = async (lo: number, hi: number): Promise<void> => {
    let delay = opts.retryInitialMs ?? 500;
    for (let n = 1; ; n++) {
      try {
        await opts.insert(lo === 0 && hi === rows.length ? rows : rows.slice(lo, hi));
        opts.budget.succeeded();
        return;
      } catch (err) {
        const error = opts.budget.resolve(opts.classify(err));
        if (error.class === 'deterministic') {
          if (hi - lo === 1) {
            refused.push({ index: lo, error });
            return;
          }
          const mid = lo + Math.floor((hi - lo) / 2);
          await attempt(lo, mid);
          await attempt(mid, hi);
          return;
        }
        opts.onRetry?.(error, n, delay);
        await sleep(delay);
        delay = Math.min(delay * 2, opts.retryMaxMs ?? 10_000);
      }
    }
  };
  if (rows.length > 0) await attempt(0, rows.length);
  return refused;
}
