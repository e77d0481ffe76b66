/**
 * Each tenant's share of the requests this instance received over the last one
 * to two seconds, weighted by body size (a request counts 1, plus 1 per KiB it
 * declares). While the CPU is saturated and one tenant sent most of that, only
 * it is shed (post-logs.ts), so one tenant's flood does not turn every other
 * tenant away with it. Without such a tenant everyone is shed: under a broad
 * load, shedding only the heavier tenants leaves the rest saturating the CPU,
 * and every admitted request waits (docs/benchmarks.md, decision record).
 */
export class TenantLoad {
  private current = new Map<string, number>();
  private previous = new Map<string, number>();
  private currentStart: number;
  private cached: { at: number; tenant: string | undefined } | undefined;

  constructor(private readonly now: () => number = () => Date.now()) {
    this.currentStart = this.now();
  }

  record(tenant: string, bodyBytes: number): void {
    this.roll();
    this.current.set(tenant, (this.current.get(tenant) ?? 0) + 1 + bodyBytes / 1024);
  }

  /** Whether `tenant` sent more than half of the recent load (a lone tenant always has). */
  dominates(tenant: string): boolean {
    return this.dominant() === tenant;
  }

  /** Whether some tenant sent more than half of the recent load. */
  anyDominates(): boolean {
    return this.dominant() !== undefined;
  }

  /** The tenant with more than half of the recent load, if any; worked out at most every 100 ms (only asked while the CPU is saturated). */
  private dominant(): string | undefined {
    this.roll();
    const now = this.now();
    if (this.cached && now - this.cached.at < 100) return this.cached.tenant;
    let total = 0;
    let top: string | undefined;
    let topLoad = 0;
    for (const t of new Set([...this.current.keys(), ...this.previous.keys()])) {
      const load = (this.current.get(t) ?? 0) + (this.previous.get(t) ?? 0);
      total += load;
      if (load > topLoad) [top, topLoad] = [t, load];
    }
    const tenant = topLoad * 2 > total ? top : undefined;
    this.cached = { at: now, tenant };
    return tenant;
  }

  private roll(): void {
    const now = this.now();
    if (now - this.currentStart < 1000) return;
    this.previous = now - this.currentStart < 2000 ? this.current : new Map();
    this.current = new Map();
    this.currentStart = now;
  }
}
