/**
 * Each tenant's share of the requests this instance received over the last one
 * to two seconds, weighted by body size (a request counts 1, plus 1 per KiB it
 * declares). While the CPU is saturated, the tenants above an equal share are
 * the ones shed (logs-endpoint.ts), so one tenant's flood does not turn every
 * other tenant away with it.
 */
export class TenantLoad {
  private current = new Map<string, number>();
  private previous = new Map<string, number>();
  private currentStart: number;

  constructor(private readonly now: () => number = () => Date.now()) {
    this.currentStart = this.now();
  }

  record(tenant: string, bodyBytes: number): void {
    this.roll();
    this.current.set(tenant, (this.current.get(tenant) ?? 0) + 1 + bodyBytes / 1024);
  }

  /** Whether `tenant` sent more than an equal share among the tenants that sent anything; a lone tenant always has. */
  overShare(tenant: string): boolean {
    this.roll();
    let total = 0;
    const tenants = new Set([...this.current.keys(), ...this.previous.keys()]);
    for (const t of tenants) total += (this.current.get(t) ?? 0) + (this.previous.get(t) ?? 0);
    const mine = (this.current.get(tenant) ?? 0) + (this.previous.get(tenant) ?? 0);
    if (mine === 0) return false;
    return tenants.size === 1 || mine * tenants.size > total;
  }

  private roll(): void {
    const now = this.now();
    if (now - this.currentStart < 1000) return;
    this.previous = now - this.currentStart < 2000 ? this.current : new Map();
    this.current = new Map();
    this.currentStart = now;
  }
}
