import { createClickHouse } from './client';
import { migrate } from './migrations/runner';
import { stringLiteral } from './sql';
import { tablesFor } from './tables';
import { stackConfig, uniquePrefix } from '../testing';

const config = stackConfig();
const client = createClickHouse(config);
const database = `t_${uniquePrefix('ch')}`;
const tables = tablesFor(database);

afterAll(async () => {
  await client.command({ query: `DROP DATABASE IF EXISTS ${database}` });
  await client.close();
});

async function rows<T>(query: string): Promise<T[]> {
  const rs = await client.query({ query, format: 'JSONEachRow' });
  return rs.json<T>();
}

describe('ClickHouse migrations (real server)', () => {
  it('applies every migration once, and a second run changes nothing', async () => {
    const first = await migrate(client, { tables });
    expect(first).toEqual({ applied: [1, 2], alreadyApplied: [] });
    const tablesAfterFirst = await rows<{ name: string }>(`SHOW TABLES FROM ${database}`);

    const second = await migrate(client, { tables });
    expect(second).toEqual({ applied: [], alreadyApplied: [1, 2] });
    expect(await rows<{ name: string }>(`SHOW TABLES FROM ${database}`)).toEqual(tablesAfterFirst);
    expect(tablesAfterFirst.map((t) => t.name).sort()).toEqual(['enriched_logs', 'minute_rollups', 'schema_migrations']);
    expect(await rows(`SELECT version, name FROM ${tables.migrations} ORDER BY version`)).toEqual([
      { version: 1, name: 'enriched_logs' },
      { version: 2, name: 'minute_rollups' },
    ]);
  });

  it('inserts and selects through @clickhouse/client; a re-inserted event collapses with FINAL', async () => {
    const row = {
      customer_id: 'acme', timestamp: 1_700_000_000, timestamp_ms: 123, event_id: 'e-1', client_ip: '8.8.8.8',
      country: 'US', city: '', region: '', method: 'GET', url: '/a?b=1', path: '/a', route: 'GET /a', status: 200,
      bytes_sent: 512, user_agent: 'curl/8', ua_family: 'curl', device_class: 'other', is_bot: 0, host: 'x', referer: '',
      cache_status: 'HIT', pop: 'fra1', response_time_ms: 12, request_id: 'r1', ingested_at: 1_700_000_001,
    };
    const other = { ...row, event_id: 'e-2', bytes_sent: 100 };
    await client.insert({ table: tables.enrichedLogs, values: [row, other], format: 'JSONEachRow' });
    await client.insert({ table: tables.enrichedLogs, values: [row], format: 'JSONEachRow' });

    const final = await rows<{ n: string; bytes: string }>(
      `SELECT count() AS n, sum(bytes_sent) AS bytes FROM ${tables.enrichedLogs} FINAL WHERE customer_id = ${stringLiteral('acme')}`,
    );
    expect(final).toEqual([{ n: '2', bytes: '612' }]);
    const selected = await rows<{ event_id: string; status: number; url: string }>(
      `SELECT event_id, status, url FROM ${tables.enrichedLogs} FINAL ORDER BY event_id`,
    );
    expect(selected).toEqual([
      { event_id: 'e-1', status: 200, url: '/a?b=1' },
      { event_id: 'e-2', status: 200, url: '/a?b=1' },
    ]);
  });

  it('stringLiteral round-trips hostile strings through the real parser unchanged', async () => {
    const hostile = ["'; DROP TABLE x; --", 'back\\slash', 'new\nline\ttab\r', "\\'", 'unicode ✓ 東京', '\0nul'];
    for (const value of hostile) {
      const [result] = await rows<{ v: string }>(`SELECT ${stringLiteral(value)} AS v`);
      expect(result).toEqual({ v: value });
    }
  });
});
