import { type EnrichedBatch, enrichedBatchSchema } from '@cdnlog/common';
import { testLogger } from '@cdnlog/common/testing';
import { createEnricher } from '../src/create-enricher';
import { minuteOf } from '../src/sink/rollups';
import { enricherTestbed } from './harness';

let bed: Awaited<ReturnType<typeof enricherTestbed>>;
let enricher: Awaited<ReturnType<typeof createEnricher>>;

beforeAll(async () => {
  bed = await enricherTestbed('enrich');
  enricher = await createEnricher(bed.config, testLogger('enricher'));
  await enricher.start();
});
afterAll(async () => {
  await enricher.stop();
  await bed.cleanup();
});

const N = 1200;

describe('enricher on the real stack', () => {
  it('N events in (raw v1 and v2) → exactly N distinct rows, rollups totalling N, one enriched v2 message per raw message; poison goes to the DLQ', async () => {
    const enriched = await bed.collectEnriched();
    const dlqSeen = await bed.collect(bed.env.KAFKA_TOPIC_DLQ!);
    const events = bed.events(N);
    await bed.produceV1(events.slice(0, 300)); // 300 raw messages of one event
    await bed.produceRaw(['{"this is": "not a raw event"', JSON.stringify({ ...events[0], v: 3 })]);
    const batches = await bed.produce(events.slice(300), 50); // 900 events: 3 tenants × 300, 6 messages each
    expect(batches).toHaveLength(18);

    await bed.waitFor(() => bed.distinctRows(), (n) => n === N, { what: `${N} distinct rows`, timeoutMs: 60_000 });
    await bed.waitFor(() => bed.rollupRequests(), (n) => n === N, { what: `rollups totalling ${N}` });
    await bed.waitFor(async () => enriched.events.length, (n) => n >= N, { what: `${N} enriched events` });
    await bed.waitFor(async () => dlqSeen.length, (n) => n >= 2, { what: '2 dead letters' });
    await new Promise((r) => setTimeout(r, 1500)); // nothing more may arrive
    expect(enriched.events).toHaveLength(N);
    expect(new Set(enriched.events.map((e) => e.eventId)).size).toBe(N);
    expect(enriched.messages).toHaveLength(300 + 18);
    const sizes = enriched.messages.map((m) => {
      const parsed = enrichedBatchSchema.safeParse(JSON.parse(m.value!.toString()));
      expect(parsed.success && m.key === parsed.data.customerId).toBe(true);
      return parsed.success ? parsed.data.events.length : 0;
    });
    expect(sizes.filter((n) => n === 1)).toHaveLength(300);
    expect(sizes.filter((n) => n === 50)).toHaveLength(18);
    // Every raw v2 message became one enriched message with its events, in order.
    const idLists = enriched.messages.map((m) => (JSON.parse(m.value!.toString()) as EnrichedBatch).events.map((e) => e.eventId).join(','));
    for (const b of batches) expect(idLists).toContain(b.events.map((e) => e.eventId).join(','));

    expect(dlqSeen).toHaveLength(2);
    expect(dlqSeen.map((m) => m.headers['x-dlq-reason']).sort()).toEqual([
      expect.stringMatching(/^not JSON: /),
      'unknown raw message version 3 (this enricher reads v1 and v2)',
    ]);
    for (const letter of dlqSeen) {
      expect(letter.headers).toMatchObject({
        'x-dlq-source-topic': bed.env.KAFKA_TOPIC_RAW, 'x-dlq-service': 'enricher', 'x-dlq-stage': 'decode', 'x-dlq-code': 'invalid_message', 'x-dlq-events': '0',
      });
      expect(letter.headers['x-dlq-id']).toBe(`${bed.env.KAFKA_TOPIC_RAW}/${letter.headers['x-dlq-source-partition']}/${letter.headers['x-dlq-source-offset']}`);
    }

    // Exact per-tenant numbers in the rollups: requests, bytes and status classes.
    for (const [t, tenant] of bed.tenants.entries()) {
      const mine = events.filter((e) => e.customerId === tenant);
      const rows = await bed.clickhouse.query({
        query: `SELECT sum(requests) AS requests, sum(bytes) AS bytes, sum(status_2xx) AS s2, sum(status_3xx) AS s3, sum(status_4xx) AS s4, sum(status_5xx) AS s5, sum(cache_hits) AS hits FROM ${bed.tables.minuteRollups} FINAL WHERE customer_id = '${tenant}'`,
        format: 'JSONEachRow',
      });
      expect({ t, ...(await rows.json<Record<string, string>>())[0] }).toEqual({
        t,
        requests: String(mine.length),
        bytes: String(mine.reduce((s, e) => s + e.bytesSent, 0)),
        s2: String(mine.filter((e) => e.status < 300).length),
        s3: String(mine.filter((e) => e.status >= 300 && e.status < 400).length),
        s4: String(mine.filter((e) => e.status >= 400 && e.status < 500).length),
        s5: String(mine.filter((e) => e.status >= 500).length),
        hits: String(mine.filter((e) => e.cacheStatus === 'HIT').length),
      });
    }
  });

  it('a re-delivered batch (same event ids at new offsets) changes neither the distinct rows nor the rollups', async () => {
    const enriched = await bed.collectEnriched();
    await bed.waitFor(async () => enriched.events.length, (n) => n >= N, { what: 'the first pass on the new reader' });
    await bed.produce(bed.events(300));
    await bed.waitFor(async () => enriched.events.length, (n) => n >= N + 300, { what: 'the re-delivered events to pass through' });
    expect(await bed.distinctRows()).toBe(N);
    expect(await bed.rollupRequests()).toBe(N);
  });

  it('resolves a known IP from the GeoLite2 file; private and unknown IPs get empty values', async () => {
    const [london, privateIp, v6] = bed.events(3, 10_000);
    await bed.produce([
      { ...london!, clientIp: '81.2.69.142', eventId: `${bed.prefix}-geo-1` },
      { ...privateIp!, clientIp: '10.1.2.3', eventId: `${bed.prefix}-geo-2` },
      { ...v6!, clientIp: '2001:4860:4860::8888', eventId: `${bed.prefix}-geo-3`, userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' },
    ]);
    const rowsOf = async () => {
      const rs = await bed.clickhouse.query({
        query: `SELECT event_id, country, city, region, ua_family, device_class, is_bot FROM ${bed.tables.enrichedLogs} FINAL WHERE event_id LIKE '${bed.prefix}-geo-%' ORDER BY event_id`,
        format: 'JSONEachRow',
      });
      return rs.json();
    };
    const rows = await bed.waitFor(rowsOf, (r) => r.length === 3, { what: 'the 3 geo rows' });
    expect(rows).toEqual([
      { event_id: `${bed.prefix}-geo-1`, country: 'GB', city: 'Bracknell', region: 'England', ua_family: 'curl', device_class: 'bot', is_bot: 1 },
      { event_id: `${bed.prefix}-geo-2`, country: '', city: '', region: '', ua_family: 'curl', device_class: 'bot', is_bot: 1 },
      { event_id: `${bed.prefix}-geo-3`, country: 'US', city: '', region: '', ua_family: 'Googlebot', device_class: 'bot', is_bot: 1 },
    ]);
  });

  it('a message with a week-old event beside current ones: exact rollups for the minutes it touched, none between', async () => {
    const tenant = `${bed.prefix}-late`;
    const week = 7 * 24 * 3600 * 1000;
    const [a, b, old] = bed.events(3, 30_000, { customerId: tenant });
    const events = [a!, b!, { ...old!, timestamp: old!.timestamp - week }];
    await bed.produce(events);
    const perMinute = new Map<number, number>();
    for (const e of events) perMinute.set(minuteOf(e.timestamp), (perMinute.get(minuteOf(e.timestamp)) ?? 0) + 1);
    const expected = [...perMinute].sort(([x], [y]) => x - y).map(([m, n]) => ({ minute: m / 1000, requests: String(n) }));
    const rollups = async () => {
      const rs = await bed.clickhouse.query({
        query: `SELECT toUnixTimestamp(minute) AS minute, toString(requests) AS requests FROM ${bed.tables.minuteRollups} FINAL WHERE customer_id = '${tenant}' ORDER BY minute`,
        format: 'JSONEachRow',
      });
      return rs.json<{ minute: number; requests: string }>();
    };
    await bed.waitFor(rollups, (r) => r.length === expected.length, { what: `${expected.length} minute rollups` });
    expect(await rollups()).toEqual(expected);
  });

  it('reports consumer and writer metrics', async () => {
    const text = await enricher.metrics.registry.metrics();
    expect(text).toMatch(/^cdnlog_enricher_events_total\{outcome="dead_letter",service="enricher"\} 2$/m);
    expect(text).toMatch(/^cdnlog_enricher_dlq_messages_total\{service="enricher"\} 2$/m);
    expect(text).toMatch(/^cdnlog_enricher_geoip_cache_hit_ratio\{service="enricher"\} 0\.\d+$/m);
    expect(text).toContain('cdnlog_consumer_lag{topic=');
  });
});
