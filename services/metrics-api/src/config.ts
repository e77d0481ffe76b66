import { z } from 'zod';
import { clickhouseEnv, fields, loggingEnv, opsEnv, redisEnv, requireRegistryInProduction, tenantRegistryEnv } from '@cdnlog/common';

/** Every environment variable the metrics API reads (documented in its README). */
export const configSchema = z.object({
  ...loggingEnv,
  ...clickhouseEnv,
  ...redisEnv,
  PORT: fields.port(8081),
  ...opsEnv(9103),
  ...tenantRegistryEnv,
  LIVE_WINDOW_MINUTES: fields.positiveInt(15),
  /** Entries of each top list per minute in the live view. */
  LIVE_TOP_N: fields.positiveInt(10),
  /** Identical history queries within this time are answered from memory (0 disables). */
  HISTORY_CACHE_TTL_MS: z.coerce.number().int().min(0).default(5000),
  HISTORY_CACHE_ENTRIES: fields.positiveInt(500),
  /**
   * Bytes of answers the cache holds, counted as their JSON (the objects take about as much
   * heap). A quarter of the smallest heap the deployments give the API (128 MB in
   * docker-compose); an answer larger than this is not cached.
   */
  HISTORY_CACHE_MAX_BYTES: fields.positiveInt(32 * 1024 * 1024),
  /**
   * ClickHouse stops a history query after this many seconds (`max_execution_time`). Answers
   * from the minute rollups take a fraction of a second; a reader waits this long at most, and
   * a query past it is one that scans raw rows with groupBy over too much.
   */
  HISTORY_MAX_EXECUTION_SECONDS: fields.positiveInt(10),
  /**
   * The API gives up on a history query after this long and kills it on the server. Above
   * HISTORY_MAX_EXECUTION_SECONDS, so the server's own limit normally answers first; this one
   * bounds a query the server checks late (it looks at the time between blocks it reads).
   */
  HISTORY_QUERY_TIMEOUT_MS: fields.positiveInt(12_000),
  /**
   * Memory one history query may hold in ClickHouse (`max_memory_usage`). GROUP BY over raw
   * rows holds one uniq state per (bucket, group); 512 MiB lets a few such queries run beside
   * the ingest path's inserts and merges on a modest server without starving them.
   */
  HISTORY_MAX_MEMORY_BYTES: fields.positiveInt(512 * 1024 * 1024),
  /**
   * Rows one history query may read (`max_rows_to_read`). The rollups hold one row per minute,
   * so only groupBy queries over raw rows come near it. A query that would read this many rows
   * runs into HISTORY_MAX_EXECUTION_SECONDS anyway; refusing it from the primary index's
   * estimate, before reading, spares the server those seconds.
   */
  HISTORY_MAX_ROWS_TO_READ: fields.positiveInt(100_000_000),
  /**
   * Server threads one history query may use (`max_threads`; ClickHouse's default is all its cores): times a tenant's
   * history queries in flight, it bounds the ClickHouse cores one tenant's history can hold. Rollup answers need one;
   * grouped queries over raw rows run slower with fewer.
   */
  HISTORY_MAX_THREADS: fields.positiveInt(2),
  /** History queries one tenant may run at once on one instance, unless the registry sets its limits.historyQueriesInFlight. */
  DEFAULT_TENANT_HISTORY_QUERIES: fields.positiveInt(4),
  /**
   * Seconds of history-query time one tenant may use per minute on one instance (wall time × HISTORY_MAX_THREADS
   * per query, so 60 is at most one ClickHouse core on average), unless the registry sets its
   * limits.historySecondsPerMinute. The in-flight limit bounds how many cores a tenant holds at once; this bounds
   * how long it holds them, so one tenant's stream of heavy queries cannot keep the shared ClickHouse busy.
   */
  DEFAULT_TENANT_HISTORY_SECONDS_PER_MINUTE: fields.positiveInt(60),
}).superRefine(requireRegistryInProduction);

export type MetricsApiConfig = z.infer<typeof configSchema>;
