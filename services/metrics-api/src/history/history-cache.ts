import { LRUCache } from 'lru-cache';
import type { HistoryQuery } from './history-query';
import type { HistoryView } from '../api-schemas';

/**
 * Identical history queries within `ttlMs` share one ClickHouse round trip.
 * Correctness: a cached answer is at most `ttlMs` old, and the key holds the
 * tenant and every normalised parameter, so tenants never share entries.
 */
export class HistoryCache {
  private readonly cache: LRUCache<string, Promise<HistoryView>> | undefined;

  constructor(ttlMs: number, entries: number) {
    this.cache = ttlMs > 0 ? new LRUCache({ max: entries, ttl: ttlMs }) : undefined;
  }

  get(tenant: string, q: HistoryQuery, load: () => Promise<HistoryView>): Promise<HistoryView> {
    if (!this.cache) return load();
    const key = JSON.stringify([tenant, q.from, q.to, q.interval, q.groupBy ?? null, q.limit, q.top]);
    const hit = this.cache.get(key);
    if (hit) return hit;
    const pending = load();
    this.cache.set(key, pending);
    pending.catch(() => this.cache!.delete(key)); // failures are not cached
    return pending;
  }
}
