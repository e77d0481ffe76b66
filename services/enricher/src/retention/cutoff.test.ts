import { DAY_MS, partitionDay, partitionsDue, retentionCutoff } from './cutoff';

const NOW = Date.UTC(2026, 11, 2, 9, 30); // 2026-12-02 09:30 UTC

describe('retentionCutoff', () => {
  it('is exactly `days` before now; 0 days keeps everything', () => {
    expect(retentionCutoff(NOW, 90)).toBe(NOW - 90 * DAY_MS);
    expect(new Date(retentionCutoff(NOW, 30)!).toISOString()).toBe('2026-11-02T09:30:00.000Z');
    expect(retentionCutoff(NOW, 0)).toBeUndefined();
  });
});

describe('partitionsDue', () => {
  it('drops only days wholly before the cutoff day: the cutoff day itself stays', () => {
    // Cutoff 2026-11-02 09:30: 20261101 ends at the cutoff day's start, 20261102 still holds rows after the cutoff.
    expect(partitionsDue(['20261102', '20261101', '20261103', '20260901'], 20261102)).toEqual([20260901, 20261101]);
  });

  it('reads month and year boundaries as days, not numbers of days apart', () => {
    expect(partitionsDue(['20251231', '20260101', '20260131', '20260201'], 20260201)).toEqual([20251231, 20260101, 20260131]);
  });

  it('once per day even when parts repeat it; other partition names are never dropped', () => {
    expect(partitionsDue(['20260101', '20260101', 'tuple()', '202601', '2026010', 'all'], 20270101)).toEqual([20260101]);
    expect(partitionsDue([], 20270101)).toEqual([]);
  });

  it('partitionDay: eight digits only', () => {
    expect(partitionDay('20261102')).toBe(20261102);
    expect(partitionDay('20261102 ')).toBeUndefined();
    expect(partitionDay('-2026110')).toBeUndefined();
  });
});
