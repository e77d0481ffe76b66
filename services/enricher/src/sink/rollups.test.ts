import { tablesFor } from '@cdnlog/common';
import { MAX_MINUTES_PER_RANGE, MAX_RANGES_PER_STATEMENT, minuteOf, minuteRanges, recomputeRollupsSql, touch, type TouchedMinutes } from './rollups';

const M = 60_000;

describe('rollup recomputation', () => {
  it('tracks the minutes written per tenant, each once', () => {
    const touched: TouchedMinutes = new Map();
    touch(touched, 'a', [2 * M, M]);
    touch(touched, 'a', [M, 3 * M]);
    touch(touched, 'b', [0]);
    expect([...touched].map(([t, s]) => [t, [...s]])).toEqual([
      ['a', [2 * M, M, 3 * M]],
      ['b', [0]],
    ]);
  });

  it('a minute starts at the whole minute, before 1970 too', () => {
    expect([minuteOf(M), minuteOf(2 * M - 1), minuteOf(0), minuteOf(-1)]).toEqual([M, M, 0, -M]);
  });

  it('joins consecutive minutes per tenant into ranges and keeps minutes apart apart', () => {
    const week = 7 * 24 * 60;
    const minutes = [3, 1, 2, 3, week, 5].map((m) => ({ tenant: 'a', minute: m * M })).concat([{ tenant: 'b', minute: 2 * M }]);
    expect(minuteRanges(minutes)).toEqual([
      { tenant: 'a', from: M, to: 4 * M },
      { tenant: 'a', from: 5 * M, to: 6 * M },
      { tenant: 'a', from: week * M, to: (week + 1) * M },
      { tenant: 'b', from: 2 * M, to: 3 * M },
    ]);
  });

  it('a range holds MAX_MINUTES_PER_RANGE minutes at most', () => {
    const day = Array.from({ length: 150 }, (_, m) => ({ tenant: 'a', minute: m * M }));
    expect(minuteRanges(day)).toEqual([
      { tenant: 'a', from: 0, to: MAX_MINUTES_PER_RANGE * M },
      { tenant: 'a', from: MAX_MINUTES_PER_RANGE * M, to: 2 * MAX_MINUTES_PER_RANGE * M },
      { tenant: 'a', from: 2 * MAX_MINUTES_PER_RANGE * M, to: 150 * M },
    ]);
  });

  it('recomputes whole minutes from FINAL rows, with escaped tenant ids and the version', () => {
    const sql = recomputeRollupsSql(tablesFor('db1'), [{ tenant: "o'brien", from: M, to: 3 * M }, { tenant: 'b', from: 0, to: M }], 42);
    expect(sql).toContain('INSERT INTO db1.minute_rollups');
    expect(sql).toContain('FROM db1.enriched_logs FINAL');
    expect(sql).toContain(
      "WHERE (customer_id = 'o\\'brien' AND timestamp >= toDateTime(60) AND timestamp < toDateTime(180))\n   OR (customer_id = 'b' AND timestamp >= toDateTime(0) AND timestamp < toDateTime(60))\n",
    );
    expect(sql).toContain('uniqState(client_ip) AS unique_ips, 42 AS version');
    expect(sql).toContain('GROUP BY customer_id, minute');
  });

  it('a statement of the most ranges stays far below ClickHouse max_query_size (256 KiB)', () => {
    const ranges = Array.from({ length: MAX_RANGES_PER_STATEMENT }, (_, i) => ({ tenant: 't'.repeat(64) + i, from: 4e12, to: 4e12 + M }));
    expect(Buffer.byteLength(recomputeRollupsSql(tablesFor('a_database_name'), ranges, Date.now()))).toBeLessThan(64 * 1024);
  });
});
