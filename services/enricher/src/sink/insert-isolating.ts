import type { ClassifiedError, UnknownErrorBudget } from '@cdnlog/common';

export interface RefusedRow {
  /** Index of the row, 0 … count - 1. */
  index: number;
  error: ClassifiedError;
}

export interface InsertIsolatingOptions {
  /** Insert rows `lo` … `hi - 1` (all of them in the first call). */
  insert: (lo: number, hi: number) => Promise<void>;
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
 * Insert `count` rows, isolating the rows the store refuses (the caller holds
 * the rows and inserts a range of them when asked):
 * - a transient error (store down, slow, overloaded) is retried with backoff
 *   until it succeeds: nothing is dropped because the store is unavailable;
 * - a deterministic error (the data is refused) splits the rows in halves and
 *   inserts each, recursively, until a single row fails alone: that row is
 *   returned as refused, every other row is inserted.
 * - an `unknown` error is transient until the budget's grace time passed, then
 *   isolated like a deterministic one, with one safeguard: a row is refused for
 *   an unknown error only if some other row of the same call landed meanwhile.
 *   If none did, the store refuses everything alike, which is an outage (disk
 *   full, lost permissions...) rather than bad data: those rows are retried with
 *   backoff, and the partition shows as stuck, instead of all going to the DLQ.
 * One bad row in n costs about 2·log2(n) extra inserts. Re-inserting rows that
 * already landed (a half that succeeded before a later split) is harmless only
 * for a table that collapses duplicates, as `enriched_logs` does on its sort key.
 */
export async function insertIsolating(count: number, opts: InsertIsolatingOptions): Promise<RefusedRow[]> {
  const refused: RefusedRow[] = [];
  /** Rows that failed alone with an error that was `unknown`: refused only once some other row landed. */
  let suspects: RefusedRow[] = [];
  let landed = false;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let delay = opts.retryInitialMs ?? 500;
  let retries = 0;
  const backoff = async (error: ClassifiedError) => {
    opts.onRetry?.(error, ++retries, delay);
    await sleep(delay);
    delay = Math.min(delay * 2, opts.retryMaxMs ?? 10_000);
  };
  const attempt = async (lo: number, hi: number): Promise<void> => {
    for (;;) {
      try {
        await opts.insert(lo, hi);
        landed = true;
        return;
      } catch (err) {
        const classified = opts.classify(err);
        const error = opts.budget.resolve(classified);
        if (error.class === 'deterministic') {
          if (hi - lo === 1) {
            (classified.class === 'unknown' ? suspects : refused).push({ index: lo, error });
            return;
          }
          const mid = lo + Math.floor((hi - lo) / 2);
          await attempt(lo, mid);
          await attempt(mid, hi);
          return;
        }
        await backoff(error);
      }
    }
  };
  if (count > 0) await attempt(0, count);
  while (suspects.length > 0 && !landed) {
    await backoff(suspects[0]!.error);
    const again = suspects;
    suspects = [];
    for (const s of again) await attempt(s.index, s.index + 1);
  }
  opts.budget.succeeded();
  return [...refused, ...suspects].sort((a, b) => a.index - b.index);
}
