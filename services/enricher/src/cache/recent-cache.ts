/**
 * A bounded cache of recently used entries in two generations: new entries go
 * into the young map; when it holds half the capacity, it becomes the old map
 * and the previous old map is dropped whole; a hit in the old map moves the
 * entry to the young one. It keeps between half and all of `capacity` entries,
 * and what is used keeps surviving. Approximate LRU, chosen over an exact one
 * (lru-cache) for the cost of a miss: the GeoIP and user-agent caches see
 * a steady stream of new keys, and exact LRU bookkeeping plus eviction was
 * several percent of the enricher's CPU when keys rarely repeat
 * (docs/benchmarks.md).
 */
export class RecentCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly generation: number;

  constructor(capacity: number) {
    this.generation = Math.max(1, Math.floor(capacity / 2));
  }

  get(key: K): V | undefined {
    const value = this.young.get(key);
    if (value !== undefined) return value;
    const aged = this.old.get(key);
    if (aged !== undefined) this.set(key, aged);
    return aged;
  }

  set(key: K, value: V): void {
    this.young.set(key, value);
    if (this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
  }

  /** Entries held (both generations; an entry moved to the young one may be counted twice). */
  get size(): number {
    return this.young.size + this.old.size;
  }
}
