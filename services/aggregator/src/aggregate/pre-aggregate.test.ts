import type { EnrichedEvent } from '@cdnlog/common';
import { preAggregate, type PositionedEvent } from './pre-aggregate';

const now = Date.UTC(2026, 10, 22, 10, 7, 30);
const minute = (min: number) => Date.UTC(2026, 10, 22, 10, min) / 1000;

function ev(offset: number, over: Partial<EnrichedEvent>): PositionedEvent {
  return {
    offset,
    event: {
      v: 1, eventId: `e${offset}`, customerId: 'a', timestamp: Date.UTC(2026, 10, 22, 10, 7, 1), receivedAt: 0, enrichedAt: 0, batchId: 'b', batchKey: '',
      clientIp: '1.1.1.1', country: 'GB', city: '', region: '', method: 'GET', url: '/x?y', path: '/x', route: 'GET /x', status: 200,
      statusClass: '2xx', bytesSent: 10, userAgent: '', uaFamily: 'Chrome', deviceClass: 'desktop', isBot: false, host: '', referer: '',
      cacheStatus: 'HIT', pop: '', responseTimeMs: null, requestId: '', ...over,
    },
  };
}

describe('preAggregate', () => {
  it('folds events into per-tenant, per-minute counters, unique IPs and top lists', () => {
    const result = preAggregate(
      [
        ev(10, {}),
        ev(11, { status: 404, bytesSent: 5, cacheStatus: 'MISS', clientIp: '2.2.2.2', country: 'US', route: 'GET /y' }),
        ev(12, { customerId: 'b', status: 503, cacheStatus: '' }),
        ev(13, { timestamp: Date.UTC(2026, 10, 22, 10, 6, 59), status: 301, country: '' }),
      ],
      { nowMs: now, windowMinutes: 15, appliedUpTo: () => -1 },
    );
    expect(result.late).toBe(0);
    const a = result.tenants.get('a')!;
    expect([a.firstOffset, a.lastOffset]).toEqual([10, 13]);
    const m7 = a.minutes.get(minute(7))!;
    expect(m7.counters).toEqual({ requests: 2, bytes: 15n, status2xx: 1, status3xx: 0, status4xx: 1, status5xx: 0, cacheHits: 1, cacheMisses: 1 });
    expect([...m7.ips].sort()).toEqual(['1.1.1.1', '2.2.2.2']);
    expect([...m7.countries]).toEqual([['GB', 1], ['US', 1]]);
    expect([...m7.routes]).toEqual([['GET /x', 1], ['GET /y', 1]]);
    expect(a.minutes.get(minute(6))!.counters.status3xx).toBe(1);
    expect(a.minutes.get(minute(6))!.countries.size).toBe(0);
    const b = result.tenants.get('b')!;
    expect([b.firstOffset, b.lastOffset]).toEqual([12, 12]);
    expect(b.minutes.get(minute(7))!.counters).toMatchObject({ requests: 1, status5xx: 1, cacheHits: 0, cacheMisses: 0 });
  });

  it('leaves out what the watermark says was applied, per tenant', () => {
    const result = preAggregate([ev(10, {}), ev(11, {}), ev(12, { customerId: 'b' }), ev(13, {})], {
      nowMs: now,
      windowMinutes: 15,
      appliedUpTo: (t) => (t === 'a' ? 11 : -1),
    });
    expect(result.tenants.get('a')).toMatchObject({ firstOffset: 13, lastOffset: 13 });
    expect(result.tenants.get('a')!.minutes.get(minute(7))!.counters.requests).toBe(1);
    expect(result.tenants.get('b')!.minutes.get(minute(7))!.counters.requests).toBe(1);
  });

  it('counts late events but still moves the offset range past them', () => {
    const result = preAggregate([ev(20, { timestamp: Date.UTC(2026, 10, 22, 9, 52, 59) }), ev(21, {})], {
      nowMs: now,
      windowMinutes: 15,
      appliedUpTo: () => -1,
    });
    expect(result.late).toBe(1);
    expect(result.tenants.get('a')).toMatchObject({ firstOffset: 20, lastOffset: 21 });
    expect([...result.tenants.get('a')!.minutes.keys()]).toEqual([minute(7)]);
  });

  it('sums bytes exactly beyond 2^53: twelve events of 2^53 - 1 bytes', () => {
    const events = Array.from({ length: 12 }, (_, i) => ev(30 + i, { bytesSent: Number.MAX_SAFE_INTEGER }));
    const result = preAggregate(events, { nowMs: now, windowMinutes: 15, appliedUpTo: () => -1 });
    expect(result.tenants.get('a')!.minutes.get(minute(7))!.counters.bytes).toBe(108086391056891892n);
  });
});
