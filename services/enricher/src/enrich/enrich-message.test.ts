import type { ConsumedMessage } from '@cdnlog/common';
import { type GeoIp, NO_GEO } from '../geo/geoip';
import type { EventsItem } from '../sink/writer-item';
import { UserAgents } from '../ua/user-agent';
import { enrichMessage, enrichWithoutRows } from './enrich-message';

const deps = { geo: { lookup: () => NO_GEO } as unknown as GeoIp, userAgents: new UserAgents(10), messageVersion: 2 as const };
const event = (i: number, extra: Record<string, unknown> = {}) => ({
  eventId: `e${i}`, timestamp: 1_795_580_400_000 + i * 60_000, clientIp: '81.2.69.142', method: 'GET', path: `/p${i}`, status: 200, bytesSent: i, ...extra,
});
const message = (events: unknown[], value?: string): ConsumedMessage => ({
  topic: 'raw', partition: 3, offset: '42', key: 'acme', headers: {}, timestamp: 0,
  value: Buffer.from(value ?? JSON.stringify({ v: 2, customerId: 'acme', receivedAt: 1_795_580_400_000, batchId: 'b1', events })),
});
const published = (item: EventsItem) => item.published.flatMap((m) => (JSON.parse(String(m.value)) as { events: Array<{ eventId: string }> }).events.map((e) => e.eventId));
const eventIds = (item: EventsItem) => item.rows.split('\n').filter(Boolean).map((line) => line.split('\t')[3]);

describe('enrichMessage', () => {
  it('a readable message: one row and one enriched event per storable event, the minutes they fall in, events refused at decode kept with their index', () => {
    const item = enrichMessage(message([event(0), event(1, { status: 99 }), event(2), event(3, { bytesSent: 2e12 }), event(4)]), 7, deps) as EventsItem;
    expect(item).toMatchObject({ kind: 'events', topic: 'raw', partition: 3, offset: '42', enrichedAt: 7, rowCount: 3 });
    expect(eventIds(item)).toEqual(['e0', 'e2', 'e4']);
    expect(published(item)).toEqual(['e0', 'e2', 'e4']);
    expect(item.minutes).toEqual([event(0).timestamp, event(2).timestamp, event(4).timestamp]);
    expect(item.refused.map((r) => [r.index, r.stage, r.code])).toEqual([[1, 'decode', 'invalid_event'], [3, 'decode', 'invalid_event']]);
  });

  it('again without the rows ClickHouse refused: rows are counted among the stored events, the refusal names the event by its place in the message', () => {
    const first = enrichMessage(message([event(0), event(1, { status: 99 }), event(2), event(3), event(4)]), 7, deps) as EventsItem;
    // Rows 1 and 3 of the first enrichment are events 2 and 4 of the message (event 1 was refused at decode).
    const again = enrichWithoutRows(first, new Map([[1, { code: 'clickhouse_27', reason: 'Code: 27' }], [3, { code: 'clickhouse_27', reason: 'Code: 27' }]]), deps);
    expect(eventIds(again)).toEqual(['e0', 'e3']);
    expect(published(again)).toEqual(['e0', 'e3']);
    expect(again.rowCount).toBe(2);
    expect(again.enrichedAt).toBe(7);
    expect(again.refused.map((r) => [r.index, r.stage, (r.event as { eventId: string }).eventId])).toEqual([
      [1, 'decode', 'e1'],
      [2, 'clickhouse', 'e2'],
      [4, 'clickhouse', 'e4'],
    ]);
  });

  it('a message with every row refused publishes nothing; an unreadable one becomes a dead item', () => {
    const first = enrichMessage(message([event(0)]), 7, deps) as EventsItem;
    const again = enrichWithoutRows(first, new Map([[0, { code: 'clickhouse_27', reason: 'x' }]]), deps);
    expect([again.rowCount, again.rows, again.published]).toEqual([0, '', []]);
    expect(enrichMessage(message([], '{"v":2'), 7, deps)).toMatchObject({ kind: 'dead', offset: '42', reason: expect.stringMatching(/^not JSON/) });
  });
});
