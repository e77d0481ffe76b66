import type { ClickHouseClient, Logger, Tables, TenantRegistry } from '@cdnlog/common';
import type { EnricherConfig } from '../config';
import type { RetentionMetrics } from '../metrics';
import { RetentionJob } from './retention-job';
import { RetentionPass } from './retention-pass';

export interface RetentionDeps {
  clickhouse: ClickHouseClient;
  tables: Tables;
  logger: Logger;
  metrics: RetentionMetrics;
  /** The tenant registry (kept current by SIGHUP reloads); absent: per-tenant retention is off. */
  registry?: Pick<TenantRegistry, 'list'>;
}

type RetentionConfig = Pick<EnricherConfig, 'RETENTION_DAYS' | 'RETENTION_INTERVAL_MINUTES' | 'CLICKHOUSE_SCHEMA_MODE' | 'CLICKHOUSE_CLUSTER'>;

/** The enricher's retention job from its config (README, "Retention"). */
export function createRetention(config: RetentionConfig, deps: RetentionDeps): RetentionJob {
  const { registry, logger } = deps;
  if (!registry) logger.info('retention: no TENANT_REGISTRY_PATH, per-tenant retention is off; RETENTION_DAYS applies to every tenant', { retentionDays: config.RETENTION_DAYS });
  const pass = new RetentionPass({
    clickhouse: deps.clickhouse, tables: deps.tables, logger, counters: deps.metrics,
    target: { mode: config.CLICKHOUSE_SCHEMA_MODE, cluster: config.CLICKHOUSE_CLUSTER },
    globalDays: config.RETENTION_DAYS,
    // Looked up at every pass, so a registry reloaded on SIGHUP applies from the next one.
    tenantRetentions: registry
      ? () => registry.list().flatMap((t) => (t.retentionDays === undefined ? [] : [{ tenant: t.id, days: t.retentionDays }]))
      : undefined,
  });
  return new RetentionJob({ intervalMs: config.RETENTION_INTERVAL_MINUTES * 60_000, run: (signal) => pass.run(signal), logger, onRun: deps.metrics.ran });
}
