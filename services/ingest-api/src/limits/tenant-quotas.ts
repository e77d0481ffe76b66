import { resolveLimits, type Tenant, type TenantLimits } from '@cdnlog/common';

export type IngestLimitName = 'eventsPerSecond' | 'eventBurst' | 'bytesPerSecond' | 'byteBurst' | 'concurrentRequests' | 'idempotencyKeys';
export type IngestQuota = Pick<TenantLimits, IngestLimitName>;

/**
 * Each tenant's ingest quota: the registry's `limits` over the instance's
 * defaults, resolved once per registry entry (a reload brings new entries,
 * so new limits apply from the next request on).
 */
export function tenantQuotas(defaults: IngestQuota): (tenant: Tenant) => IngestQuota {
  const resolved = new WeakMap<Tenant, IngestQuota>();
  return (tenant) => {
    let quota = resolved.get(tenant);
    if (!quota) resolved.set(tenant, (quota = resolveLimits(tenant.limits, defaults)));
    return quota;
  };
}
