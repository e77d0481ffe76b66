import { GROUP_BY as API_GROUP_BY, INTERVALS as API_INTERVALS, MAX_RANGE_DAYS } from '../history/history-query';
import {
  csvFileName, defaultInterval, describeFailure, formatBytes, formatCount, formatRatio, GROUP_BY, historyQueryString, historyRange, historySeries,
  historyUrl, INTERVALS, type LiveMinute, liveSeries, type LiveView, RANGE_PRESETS, windowTop,
} from './dashboard-logic';

const minute = (iso: string, over: Partial<LiveMinute> = {}): LiveMinute => ({
  minute: iso, requests: 0, bytes: 0, status2xx: 0, status3xx: 0, status4xx: 0, status5xx: 0, uniqueIps: 0,
  topCountries: [], topPaths: [], topUaFamilies: [], ...over,
});
const bucket = (iso: string, group: string | null, requests: number) => ({
  bucket: iso, group, requests, bytes: 0, status2xx: requests, status3xx: 0, status4xx: 0, status5xx: 0, uniqueIps: 1,
});

describe('dashboard logic', () => {
  it('offers exactly the API\'s intervals and groupBy values', () => {
    expect(GROUP_BY).toEqual(API_GROUP_BY);
    expect(INTERVALS).toEqual(API_INTERVALS);
  });

  it('picks for every preset an interval the API accepts for its range', () => {
    for (const ms of Object.values(RANGE_PRESETS)) expect(ms).toBeLessThanOrEqual(MAX_RANGE_DAYS[defaultInterval(ms)] * 86_400_000);
    expect(defaultInterval(RANGE_PRESETS.hour)).toBe('minute');
    expect(defaultInterval(RANGE_PRESETS.day)).toBe('minute');
    expect(defaultInterval(RANGE_PRESETS.week)).toBe('hour');
    expect(defaultInterval(RANGE_PRESETS.month)).toBe('hour');
    expect(defaultInterval(200 * 86_400_000)).toBe('day');
  });

  it('builds ranges ending now, or from custom inputs, refusing incomplete or reversed ones', () => {
    expect(historyRange('hour', 10_000_000)).toEqual({ from: 10_000_000 - 3_600_000, to: 10_000_000 });
    expect(historyRange('month', 1e13)).toEqual({ from: 1e13 - 30 * 86_400_000, to: 1e13 });
    expect(historyRange('custom', 0, { from: '2026-11-21T00:00Z', to: '2026-11-22T00:00Z' })).toEqual({ from: Date.parse('2026-11-21T00:00Z'), to: Date.parse('2026-11-22T00:00Z') });
    expect(historyRange('custom', 0, { from: '', to: '2026-11-22T00:00Z' })).toHaveProperty('error');
    expect(historyRange('custom', 0, { from: '2026-11-22T00:00Z', to: '2026-11-22T00:00Z' })).toHaveProperty('error');
  });

  it('builds the history query string with epoch milliseconds, groupBy and format only when set', () => {
    expect(historyQueryString({ from: 1000.7, to: 2000, interval: 'minute' })).toBe('from=1000&to=2000&interval=minute');
    expect(historyQueryString({ from: 1, to: 2, interval: 'hour', groupBy: 'country', format: 'csv' })).toBe('from=1&to=2&interval=hour&groupBy=country&format=csv');
    expect(historyQueryString({ from: 1, to: 2, interval: 'day', groupBy: null, format: 'json' })).toBe('from=1&to=2&interval=day');
    expect(historyUrl('a b/c', { from: 1, to: 2, interval: 'hour' })).toBe('/api/v1/metrics/a%20b%2Fc/history?from=1&to=2&interval=hour');
  });

  it('turns the live window into requests per minute by status class', () => {
    const view: LiveView = {
      customerId: 't', windowMinutes: 2, totals: { requests: 5, bytes: 0, status2xx: 3, status3xx: 0, status4xx: 1, status5xx: 1, uniqueIps: 2, cacheHitRatio: null },
      minutes: [minute('2026-11-21T00:00:00.000Z'), minute('2026-11-21T00:01:00.000Z', { requests: 5, status2xx: 3, status4xx: 1, status5xx: 1 })],
    };
    expect(liveSeries(view)).toEqual({
      labels: ['requests', '2xx', '3xx', '4xx', '5xx'],
      data: [[1795219200, 1795219260], [0, 5], [0, 3], [0, 0], [0, 1], [0, 1]],
    });
  });

  it('turns history into one series per group, most requests first, 0 where a group is absent', () => {
    const view = {
      interval: 'hour' as const, groupBy: 'country' as const,
      buckets: [bucket('2026-11-21T01:00:00.000Z', 'US', 3), bucket('2026-11-21T00:00:00.000Z', 'GB', 4), bucket('2026-11-21T01:00:00.000Z', 'GB', 2), bucket('2026-11-21T01:00:00.000Z', '', 1)],
    };
    expect(historySeries(view)).toEqual({ labels: ['GB', 'US', '(none)'], data: [[1795219200, 1795222800], [4, 2], [0, 3], [0, 1]] });
    expect(historySeries({ ...view, groupBy: null, buckets: [bucket('2026-11-21T00:00:00.000Z', null, 7)] })).toEqual({ labels: ['requests'], data: [[1795219200], [7]] });
    expect(historySeries({ ...view, buckets: [] })).toEqual({ labels: [], data: [[]] });
    const range = { from: Date.parse('2026-11-21T00:00:30Z'), to: Date.parse('2026-11-21T00:03:00Z') };
    expect(historySeries({ interval: 'minute', groupBy: null, buckets: [bucket('2026-11-21T00:01:00.000Z', null, 7)] }, range))
      .toEqual({ labels: ['requests'], data: [[1795219200, 1795219260, 1795219320], [0, 7, 0]] });
    expect(historySeries({ ...view, interval: 'minute', buckets: [] }, range)).toEqual({ labels: [], data: [[1795219200, 1795219260, 1795219320]] });
  });

  it('sums the minutes\' top lists over the window', () => {
    const minutes = [
      minute('2026-11-21T00:00:00Z', { topCountries: [{ country: 'US', requests: 2 }, { country: 'GB', requests: 1 }] }),
      minute('2026-11-21T00:01:00Z', { topCountries: [{ country: 'GB', requests: 2 }, { country: 'DE', requests: 1 }] }),
    ];
    expect(windowTop(minutes, (m) => m.topCountries, (e) => e.country)).toEqual([{ key: 'GB', requests: 3 }, { key: 'US', requests: 2 }, { key: 'DE', requests: 1 }]);
    expect(windowTop(minutes, (m) => m.topCountries, (e) => e.country, 1)).toEqual([{ key: 'GB', requests: 3 }]);
  });

  it('formats numbers', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatRatio(0.66)).toBe('66.0 %');
    expect(formatRatio(null)).toBe('n/a');
  });

  it('says "wrong tenant or key" for 401 and 403, else the API\'s error code and message', () => {
    expect(describeFailure(401, { error: 'missing_api_key', message: 'x' })).toEqual({ kind: 'auth', text: 'Wrong tenant or key.' });
    expect(describeFailure(403, null).kind).toBe('auth');
    expect(describeFailure(400, { error: 'range_too_large', message: 'Use a coarser interval.' })).toEqual({ kind: 'error', text: 'range_too_large: Use a coarser interval.' });
    expect(describeFailure(502, 'gateway')).toEqual({ kind: 'error', text: 'http_502: The metrics API did not answer as expected.' });
  });

  it('names downloads after tenant, start, interval and groupBy', () => {
    expect(csvFileName('demo', { from: Date.parse('2026-11-21T10:30:00Z'), to: 0, interval: 'hour', groupBy: 'country' })).toBe('demo-history-2026-11-21T1030-hour-by-country.csv');
  });
});
