/** A tenant's own retention, in days. */
export interface TenantRetention {
  tenant: string;
  days: number;
}

export interface TenantRetentionPlan {
  /** Tenants whose rows go earlier than the global retention: deleted row by row. */
  shorter: TenantRetention[];
  /** Tenants asking for more than the global retention: not honoured, whole partitions go. */
  longer: TenantRetention[];
}

/**
 * Sorts the tenants that have data by their registry `retentionDays` against the global
 * RETENTION_DAYS (0: keep everything, so any tenant value is shorter). A tenant without the
 * field, or with the global value, takes the global retention and appears in neither list.
 */
export function tenantRetentionPlan(
  tenantIds: Iterable<string>,
  retentionDaysOf: (tenant: string) => number | undefined,
  globalDays: number,
): TenantRetentionPlan {
  const plan: TenantRetentionPlan = { shorter: [], longer: [] };
  for (const tenant of new Set(tenantIds)) {
    const days = retentionDaysOf(tenant);
    if (days === undefined || days === globalDays) continue;
    if (globalDays === 0 || days < globalDays) plan.shorter.push({ tenant, days });
    else plan.longer.push({ tenant, days });
  }
  const byTenant = (a: TenantRetention, b: TenantRetention) => (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0);
  plan.shorter.sort(byTenant);
  plan.longer.sort(byTenant);
  return plan;
}
