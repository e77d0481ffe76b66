import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import type { ClickHouseConfig } from '../config/shared';

export type { ClickHouseClient };

/**
 * The only place that constructs a ClickHouse client. No default database is
 * set on the connection: every statement names `db.table` through `tables.ts`,
 * so the migration runner can create the database with the same client.
 */
export function createClickHouse(
  config: Pick<ClickHouseConfig, 'CLICKHOUSE_URL' | 'CLICKHOUSE_USER' | 'CLICKHOUSE_PASSWORD'> & Partial<Pick<ClickHouseConfig, 'CLICKHOUSE_SCHEMA_MODE'>>,
): ClickHouseClient {
  return createClient({
    url: config.CLICKHOUSE_URL,
    username: config.CLICKHOUSE_USER,
    password: config.CLICKHOUSE_PASSWORD,
    request_timeout: 30_000,
    max_open_connections: 10,
    compression: { request: false, response: false },
    // An insert into a Distributed table returns once every shard has its rows, not once they are
    // queued on the server the client talks to: a shard that is down fails the insert, which is
    // retried (same rows, same event ids: ReplacingMergeTree keeps one), and the offsets are
    // committed only after every shard holds the rows.
    ...(config.CLICKHOUSE_SCHEMA_MODE === 'replicated' ? { clickhouse_settings: { insert_distributed_sync: 1 } } : {}),
    // Failures reach the caller as errors and are logged there (JSON, with context); no console output.
    log: { level: ClickHouseLogLevel.OFF },
  });
}

/** A real round trip (`SELECT 1`), for readiness checks. */
export async function clickhouseReachable(client: ClickHouseClient): Promise<boolean> {
  try {
    const rs = await client.query({ query: 'SELECT 1 AS ok', format: 'JSONEachRow' });
    const rows = await rs.json<{ ok: number }>();
    return rows[0]?.ok === 1;
  } catch {
    return false;
  }
}
