import { LRUCache } from 'lru-cache';
import type { HistoryQuery } from './history-query';
import type { HistoryView } from '../api-schemas';
import { SharedLoads } from './shared-load';

export interface HistoryCacheOptions {
  ttlMs: number;
  entries: number;
  /** Bytes of answers held, each counted as its JSON; a larger answer is not cached. */
  maxBytes: number;
}

/** An answer's size for the byte bound: its JSON (its objects take about as much heap). */
export function answerBytes(view: HistoryView): number {
  return Math.max(1, Buffer.byteLength(JSON.stringify(view)));
}

/**
 * Identical history queries within `ttlMs` share one ClickHouse round trip:
 * while it runs they wait for the same load (shared-load.ts), after it answered
 * they read the stored answer. Correctness: a cached answer is at most `ttlMs`
 * old, and the key holds the tenant and every normalised parameter, so tenants
 * never share entries. Bounded by entries and by bytes; failures are not stored.
 */
export class HistoryCache {
  private readonly answers: LRUCache<string, HistoryView> | undefined;
  private readonly loads = new SharedLoads<HistoryView>();

  constructor(opts: HistoryCacheOptions) {
    this.answers =
      opts.ttlMs > 0 ? new LRUCache({ max: opts.entries, ttl: opts.ttlMs, maxSize: opts.maxBytes, sizeCalculation: answerBytes }) : undefined;
  }

  /** Bytes of answers held. */
  get bytes(): number {
    return this.answers?.calculatedSize ?? 0;
  }

  /**
   * The answer for `q`: stored, joined from an identical load running now, or
   * loaded. `signal` is the caller's request; `load` gets one that aborts once
   * every caller waiting for it has gone.
   */
  get(tenant: string, q: HistoryQuery, load: (signal: AbortSignal) => Promise<HistoryView>, signal: AbortSignal): Promise<HistoryView> {
    const answers = this.answers;
    if (!answers) return load(signal);
    const key = JSON.stringify([tenant, q.from, q.to, q.interval, q.groupBy ?? null, q.limit, q.top]);
    const hit = answers.get(key);
    if (hit) return Promise.resolve(hit);
    return this.loads.get(
      key,
      async (shared) => {
        const view = await load(shared);
        answers.set(key, view);
        return view;
      },
      signal,
    );
  }
}
