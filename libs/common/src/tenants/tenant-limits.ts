import { z } from 'zod';

/**
 * What one tenant may use of what all tenants share. Each field is optional in
 * the registry (config/README.md); an absent one takes the default the service
 * was started with (its DEFAULT_TENANT_* settings), so a registry without
 * `limits` still bounds every tenant.
 */
export const tenantLimitsSchema = z
  .object({
    /** Ingest: events per second (token bucket refill), per ingest instance. */
    eventsPerSecond: z.number().positive(),
    /** Ingest: events a full bucket holds. */
    eventBurst: z.number().positive(),
    /** Ingest: request-body bytes per second as received (before decompression), per ingest instance. */
    bytesPerSecond: z.number().positive(),
    /** Ingest: body bytes a full bucket holds. */
    byteBurst: z.number().positive(),
    /** Ingest: requests of this tenant being read or published at once, per ingest instance. */
    concurrentRequests: z.number().int().positive(),
    /** Ingest: idempotency keys remembered at once (all instances: they live in Redis). */
    idempotencyKeys: z.number().int().positive(),
    /** Metrics API: history queries of this tenant running at once, per metrics-API instance. */
    historyQueriesInFlight: z.number().int().positive(),
    /**
     * Metrics API: seconds of ClickHouse time per minute, per metrics-API instance (each history
     * query's wall time times the threads it may use; cached answers are free); also the most a
     * full budget holds. 60 is one ClickHouse core on average at most.
     */
    historySecondsPerMinute: z.number().positive(),
  })
  .partial()
  .strict();

export type TenantLimits = Required<z.infer<typeof tenantLimitsSchema>>;

/**
 * A tenant's limits among those a service enforces (the keys of `defaults`):
 * its own where the registry sets them, the service's defaults for the rest.
 */
export function resolveLimits<K extends keyof TenantLimits>(own: Partial<TenantLimits> | undefined, defaults: Pick<TenantLimits, K>): Pick<TenantLimits, K> {
  if (!own) return defaults;
  const resolved = { ...defaults };
  for (const name of Object.keys(defaults) as K[]) {
    const value = own[name];
    if (value !== undefined) resolved[name] = value;
  }
  return resolved;
}
