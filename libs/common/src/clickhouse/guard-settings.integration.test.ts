import { createClickHouse } from './client';
import { clickhouseErrorCode } from './error-class';
import { guardBreach, guardSettings } from './guard-settings';
import { stackConfig, uniquePrefix } from '../testing';

/** The guard settings against the real server: accepted, enforced, and its errors classified. */
const client = createClickHouse(stackConfig());
const database = `t_${uniquePrefix('guard')}`;
const numbers = (n: number) => `SELECT number FROM system.numbers LIMIT ${n}`;
const loose = { maxExecutionSeconds: 60, maxMemoryBytes: 512 * 1024 * 1024 };

beforeAll(async () => {
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
  await client.command({ query: `CREATE TABLE ${database}.t (n UInt64) ENGINE = MergeTree() ORDER BY n` });
});
afterAll(async () => {
  await client.command({ query: `DROP DATABASE IF EXISTS ${database}` });
  await client.close();
});

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error('expected the statement to fail');
}

const select = (query: string, guard: Parameters<typeof guardSettings>[0]) =>
  client.query({ query, format: 'JSONEachRow', clickhouse_settings: guardSettings(guard) }).then((rs) => rs.json());

describe('guard settings on the real server', () => {
  it('are all accepted together, read-only included', async () => {
    expect(await select(`SELECT count() AS c FROM (${numbers(1000)})`, { ...loose, maxRowsToRead: 10_000, readOnly: true })).toEqual([{ c: '1000' }]);
  });

  it('read-only refuses a write', async () => {
    const err = await failure(() => client.command({ query: `INSERT INTO ${database}.t ${numbers(1)}`, clickhouse_settings: guardSettings({ ...loose, readOnly: true }) }));
    expect(clickhouseErrorCode(err)).toBe(164); // READONLY
  });

  it('each bound stops a statement with an error its breach names', async () => {
    const rows = await failure(() => select(`SELECT count() FROM (${numbers(1000)})`, { ...loose, maxRowsToRead: 10 }));
    const time = await failure(() => select(`SELECT count() FROM (${numbers(1e12)})`, { ...loose, maxExecutionSeconds: 1 }));
    const memory = await failure(() => select(`SELECT uniqExact(number) FROM (${numbers(3_000_000)})`, { ...loose, maxMemoryBytes: 10_000_000 }));
    expect([rows, time, memory].map((e) => [clickhouseErrorCode(e), guardBreach(e)])).toEqual([
      [158, 'size'],
      [159, 'time'],
      [241, 'size'],
    ]);
  });

  it('bound an INSERT … SELECT too (the enricher’s rollups)', async () => {
    await client.command({ query: `INSERT INTO ${database}.t ${numbers(1000)}`, clickhouse_settings: guardSettings(loose) });
    const err = await failure(() =>
      client.command({
        query: `INSERT INTO ${database}.t SELECT uniqExact(number) FROM (${numbers(3_000_000)})`,
        clickhouse_settings: guardSettings({ ...loose, maxMemoryBytes: 10_000_000 }),
      }),
    );
    expect(guardBreach(err)).toBe('size');
    const rs = await client.query({ query: `SELECT count() AS c FROM ${database}.t`, format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ c: '1000' }]);
  });
});
