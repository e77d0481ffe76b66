/**
 * Requests each tenant has in flight on this instance. The instance-wide bound
 * (MAX_INFLIGHT_REQUESTS) sheds a spike; this one keeps a single tenant from
 * taking every slot, e.g. with slow bodies that each hold a slot and up to
 * MAX_BODY_BYTES of memory until the request timeout.
 */
export class TenantSlots {
  private readonly held = new Map<string, number>();

  /** Take a slot for the tenant; false when it already holds `max`. */
  acquire(tenant: string, max: number): boolean {
    const n = this.held.get(tenant) ?? 0;
    if (n >= max) return false;
    this.held.set(tenant, n + 1);
    return true;
  }

  release(tenant: string): void {
    const n = this.held.get(tenant) ?? 0;
    if (n <= 1) this.held.delete(tenant);
    else this.held.set(tenant, n - 1);
  }

  inFlight(tenant: string): number {
    return this.held.get(tenant) ?? 0;
  }
}
