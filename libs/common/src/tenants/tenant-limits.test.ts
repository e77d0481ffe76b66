import { resolveLimits, tenantLimitsSchema } from './tenant-limits';

describe('tenant limits', () => {
  const defaults = { eventsPerSecond: 100, eventBurst: 200, concurrentRequests: 8 };

  it('takes the tenant’s own value where set and the default elsewhere, only for the limits asked for', () => {
    expect(resolveLimits({ eventsPerSecond: 5, historyQueriesInFlight: 1 }, defaults)).toEqual({ eventsPerSecond: 5, eventBurst: 200, concurrentRequests: 8 });
    expect(resolveLimits(undefined, defaults)).toBe(defaults);
  });

  it('refuses unknown, zero and fractional limits', () => {
    expect(tenantLimitsSchema.safeParse({ eventsPerSec: 5 }).success).toBe(false);
    expect(tenantLimitsSchema.safeParse({ eventsPerSecond: 0 }).success).toBe(false);
    expect(tenantLimitsSchema.safeParse({ concurrentRequests: 1.5 }).success).toBe(false);
    expect(tenantLimitsSchema.safeParse({ bytesPerSecond: 1.5, idempotencyKeys: 10 }).success).toBe(true);
  });
});
