import { tablesFor } from '@cdnlog/common';
import { recomputeRollupsSql, touch, type TouchedMinutes } from './rollups';

describe('rollup recomputation', () => {
  it('tracks the event-time range per tenant', () => {
    const touched: TouchedMinutes = new Map();
    touch(touched, 'a', 120_000);
    touch(touched, 'a', 60_500);
    touch(touched, 'a', 179_999);
    touch(touched, 'b', 0);
    expect([...touched]).toEqual([
      ['a', { min: 60_500, max: 179_999 }],
      ['b', { min: 0, max: 0 }],
    ]);
  });

  it('recomputes whole minutes from FINAL rows, with escaped tenant ids and the version', () => {
    const sql = recomputeRollupsSql(tablesFor('db1'), new Map([["o'brien", { min: 60_500, max: 179_999 }]]), 42);
    expect(sql).toContain('INSERT INTO db1.minute_rollups');
    expect(sql).toContain('FROM db1.enriched_logs FINAL');
    expect(sql).toContain("(customer_id = 'o\\'brien' AND timestamp >= toDateTime(60) AND timestamp < toDateTime(180))");
    expect(sql).toContain('uniqState(client_ip) AS unique_ips, 42 AS version');
    expect(sql).toContain('GROUP BY customer_id, minute');
  });
});
