/**
 * What each tenant has in flight on this instance, bounded per tenant, so one
 * tenant cannot take every slot from the others: the ingest API's requests
 * (slow bodies each hold one, with up to MAX_BODY_BYTES of memory) and the
 * metrics API's history queries (only those that reach ClickHouse; answers
 * from the cache, or joined to a running identical query, hold none).
 */
export class TenantInFlight {
  private readonly running = new Map<string, number>();

  /** What `tenant` has in flight now. */
  count(tenant: string): number {
    return this.running.get(tenant) ?? 0;
  }

  /**
   * Take a slot if `tenant` holds fewer than `limit`: the returned
   * function gives it back (calling it again does nothing). Undefined: over the limit.
   */
  tryAcquire(tenant: string, limit: number): (() => void) | undefined {
    const running = this.count(tenant);
    if (running >= limit) return undefined;
    this.running.set(tenant, running + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.count(tenant) - 1;
      if (left > 0) this.running.set(tenant, left);
      else this.running.delete(tenant);
    };
  }
}
