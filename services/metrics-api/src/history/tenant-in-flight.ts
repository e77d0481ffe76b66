/**
 * History queries each tenant is running on this instance, so one tenant's
 * burst of expensive queries cannot take every ClickHouse connection and all
 * the server's time from the others. Only queries that reach ClickHouse hold a
 * slot: answers from the cache, or joined to a running identical query, do not.
 */
export class TenantInFlight {
  private readonly running = new Map<string, number>();

  /** Queries `tenant` runs now. */
  count(tenant: string): number {
    return this.running.get(tenant) ?? 0;
  }

  /**
   * Take a slot if `tenant` runs fewer than `limit` queries: the returned
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
