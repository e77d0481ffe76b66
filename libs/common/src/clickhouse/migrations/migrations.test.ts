import { tablesFor } from '../tables';
import { MIGRATIONS } from './index';
import { storageTable } from './migration';

const tables = tablesFor('cdnlog');

describe('migrations', () => {
  it('are numbered 1..n without gaps and every statement is idempotent', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    for (const mode of ['single', 'replicated'] as const) {
      for (const m of MIGRATIONS) for (const sql of m.statements({ tables, mode, cluster: 'c1' })) expect(sql).toMatch(/^CREATE TABLE IF NOT EXISTS /);
    }
  });

  it('single mode: plain ReplacingMergeTree tables', () => {
    const [logs] = MIGRATIONS[0]!.statements({ tables, mode: 'single', cluster: 'c1' });
    expect(logs).toContain('CREATE TABLE IF NOT EXISTS cdnlog.enriched_logs (');
    expect(logs).toContain('ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMMDD(timestamp) ORDER BY (customer_id, timestamp, url, event_id)');
  });

  it('replicated mode: ReplicatedReplacingMergeTree _local tables on the cluster plus Distributed tables, versions kept', () => {
    const [local, distributed] = MIGRATIONS[1]!.statements({ tables, mode: 'replicated', cluster: 'c1' });
    expect(local).toContain('CREATE TABLE IF NOT EXISTS cdnlog.minute_rollups_local ON CLUSTER c1 (');
    expect(local).toContain("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/cdnlog/minute_rollups_local', '{replica}', version)");
    expect(distributed).toBe(
      'CREATE TABLE IF NOT EXISTS cdnlog.minute_rollups ON CLUSTER c1 AS cdnlog.minute_rollups_local ENGINE = Distributed(c1, cdnlog, minute_rollups_local, cityHash64(customer_id))',
    );
  });

  it('storageTable: the table itself in single mode, <table>_local in replicated mode; unsafe names refused', () => {
    expect(storageTable('single', tables.enrichedLogs)).toBe('cdnlog.enriched_logs');
    expect(storageTable('replicated', tables.minuteRollups)).toBe('cdnlog.minute_rollups_local');
    expect(() => storageTable('single', 'cdnlog.x;DROP')).toThrow('not a safe SQL identifier');
  });
});
