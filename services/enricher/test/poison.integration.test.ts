/**
 * Data ClickHouse refuses does not stall the enricher: a deterministic
 * rejection in the middle of a 5,000-row flush is isolated to its row, which
 * goes to the DLQ with its reason; the other 4,999 rows land once and are
 * published once; the offsets are committed with them.
 */
import { DEAD_LETTER_HEADER as H, migrate, PartitionTransactions, type RawBatchEvent } from '@cdnlog/common';
import { testLogger } from '@cdnlog/common/testing';
import { enrichMessage, enrichWithoutRows } from '../src/enrich/enrich-message';
import type { GeoIp } from '../src/geo/geoip';
import { BatchWriter } from '../src/sink/batch-writer';
import type { EventsItem } from '../src/sink/writer-item';
import { UserAgents } from '../src/ua/user-agent';
import { enricherTestbed } from './harness';

const noGeo = { lookup: () => ({ country: '', city: '', region: '' }) } as unknown as GeoIp;

it('a deterministic ClickHouse rejection in the middle of a 5,000-row flush: 4,999 rows land once, the bad one is in the DLQ', async () => {
  const bed = await enricherTestbed('poison-flush');
  const logger = testLogger('writer');
  const transactions = new PartitionTransactions({ kafka: bed.kafka, groupId: bed.config.ENRICHER_GROUP_ID, idPrefix: `${bed.prefix}-writer-tx` });
  try {
    await migrate(bed.clickhouse, { tables: bed.tables, mode: 'single', cluster: 'x', logger });
    const enriched = (await bed.collectEnriched()).events;
    const letters = await bed.collect(bed.env.KAFKA_TOPIC_DLQ!);

    // 100 raw messages of 50 events each. The row of event 2500 (message 50, its first event) is damaged after
    // enrichment, as no decodable event could be: its byte count reads NaN, and ClickHouse refuses it (Code 27).
    const raw = bed.events(5000).map(({ v: _v, customerId: _c, receivedAt: _r, batchId: _b, ...e }) => e as RawBatchEvent);
    const tenant = bed.tenants[0]!;
    const deps = { geo: noGeo, userAgents: new UserAgents(100), messageVersion: 2 as const };
    const items = Array.from({ length: 100 }, (_, m) => {
      const value = Buffer.from(JSON.stringify({ v: 2, customerId: tenant, receivedAt: Date.now(), batchId: `b${m}`, events: raw.slice(m * 50, m * 50 + 50) }));
      const message = { topic: bed.env.KAFKA_TOPIC_RAW!, partition: 0, offset: String(m), key: tenant, value, headers: {}, timestamp: Date.now() };
      return enrichMessage(message, Date.now(), deps) as EventsItem;
    });
    const damaged = items[50]!.rows.split('\t');
    expect(damaged[13]).toBe(String(raw[2500]!.bytesSent));
    damaged[13] = 'NaN';
    items[50]!.rows = damaged.join('\t');
    const committed: string[] = [];
    const writer = new BatchWriter({
      clickhouse: bed.clickhouse, tables: bed.tables, transactions, logger,
      topics: { enriched: bed.env.KAFKA_TOPIC_ENRICHED!, dlq: bed.env.KAFKA_TOPIC_DLQ! },
      withoutRows: (item, refusals) => enrichWithoutRows(item, refusals, deps),
      maxRows: 10_000, maxWaitMs: 60_000, retryInitialMs: 50,
      onCommitted: (offsets) => committed.push(...offsets.map((o) => `${o.partition}:${o.offset}`)),
    });
    writer.add(items);
    await writer.flush();

    const count = (where: string) => bed.scalar(`SELECT count() AS n FROM ${bed.tables.enrichedLogs} FINAL WHERE customer_id = '${tenant}' ${where}`);
    expect(await count('')).toBe(4999);
    expect(await bed.scalar(`SELECT count() AS n FROM ${bed.tables.enrichedLogs} WHERE customer_id = '${tenant}'`)).toBeGreaterThanOrEqual(4999);
    expect(await count(`AND event_id = '${raw[2500]!.eventId}'`)).toBe(0);
    expect(committed).toEqual(['0:100']);

    await bed.waitFor(async () => enriched.length + letters.length, (n) => n >= 5000, { what: '4,999 enriched events and 1 letter', timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 1000));
    expect(enriched).toHaveLength(4999);
    expect(new Set(enriched.map((e) => e.eventId)).size).toBe(4999);
    expect(enriched.some((e) => e.eventId === raw[2500]!.eventId)).toBe(false);

    expect(letters).toHaveLength(1);
    const letter = letters[0]!;
    expect(letter.key).toBe(tenant);
    expect(letter.headers).toMatchObject({
      [H.id]: `${bed.env.KAFKA_TOPIC_RAW}/0/50#0`,
      [H.tenant]: tenant,
      [H.sourceTopic]: bed.env.KAFKA_TOPIC_RAW,
      [H.sourcePartition]: '0',
      [H.sourceOffset]: '50',
      [H.service]: 'enricher',
      [H.stage]: 'clickhouse',
      [H.code]: 'clickhouse_27',
      [H.events]: '1',
    });
    expect(letter.headers[H.reason]).toMatch(/Code: 27/);
    const value = JSON.parse(letter.value!.toString()) as { v: number; customerId: string; batchId: string; events: RawBatchEvent[] };
    expect(value).toMatchObject({ v: 2, customerId: tenant, batchId: 'b50' });
    expect(value.events).toEqual([raw[2500]]);
  } finally {
    await transactions.close();
    await bed.cleanup();
  }
}, 120_000);
