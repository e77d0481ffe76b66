import type { ConsumedMessage, EnrichedBatchEvent } from '@cdnlog/common';
import type { GeoIp } from '../geo/geoip';
import { toClickHouseRow } from '../sink/clickhouse-row';
import type { RefusedEvent } from '../sink/dead-letters';
import { minuteOf } from '../sink/rollups';
import { enrichedMessages, type EnrichedMessageVersion } from '../sink/enriched-messages';
import type { EventsItem, RowRefusals, WriterItem } from '../sink/writer-item';
import type { UserAgents } from '../ua/user-agent';
import { decodeRawMessage } from './decode-raw-message';
import { enrichEvent, enrichRequest } from './enrich-event';

export interface EnrichMessageDeps {
  geo: GeoIp;
  userAgents: UserAgents;
  /** Enriched-topic contract written (ENRICHED_MESSAGE_VERSION). */
  messageVersion: EnrichedMessageVersion;
}

/**
 * A consumed raw message → its writer item: decoded, each storable event
 * enriched, written as its ClickHouse row and into the enriched-topic
 * messages; events refused at decode are kept with their reasons. A message
 * that cannot be decoded becomes a dead item.
 *
 * Deterministic for a given message and `enrichedAt`, so the writer can call it
 * again with `rowRefusals` when ClickHouse refused some of the rows built the
 * first time: those events then leave the rows and messages and join `refused`.
 */
export function enrichMessage(message: ConsumedMessage, enrichedAt: number, deps: EnrichMessageDeps, rowRefusals?: RowRefusals): WriterItem {
  const { topic, partition, offset } = message;
  const decoded = decodeRawMessage(message.value);
  if (!decoded.ok) return { kind: 'dead', topic, partition, offset, message, reason: decoded.reason };
  const request = enrichRequest(decoded.request, enrichedAt);
  const refused: RefusedEvent[] = decoded.refused.map((r) => ({ ...r, stage: 'decode', code: 'invalid_event' }));
  const refusedAtDecode = new Set(decoded.refused.map((r) => r.index));
  const events: EnrichedBatchEvent[] = [];
  const rows: string[] = [];
  const minutes: number[] = [];
  let lastMinute = NaN;
  let index = 0; // the event's position in the message
  for (let row = 0; row < decoded.events.length; row++, index++) {
    while (refusedAtDecode.has(index)) index++;
    const raw = decoded.events[row]!;
    const refusal = rowRefusals?.get(row);
    if (refusal) {
      refused.push({ index, event: raw, stage: 'clickhouse', code: refusal.code, reason: refusal.reason });
      continue;
    }
    const event = enrichEvent(raw, deps);
    events.push(event);
    rows.push(toClickHouseRow(request, event));
    const minute = minuteOf(event.timestamp);
    if (minute !== lastMinute && !minutes.includes((lastMinute = minute))) minutes.push(minute);
  }
  return {
    kind: 'events', topic, partition, offset, source: message, enrichedAt, request,
    rows: rows.join(''), rowCount: rows.length, minutes,
    published: events.length > 0 ? enrichedMessages(request, events, deps.messageVersion) : [],
    refused,
  };
}

/** The item of the same message with ClickHouse's refused rows taken out (the writer's `withoutRows`). */
export function enrichWithoutRows(item: EventsItem, rowRefusals: RowRefusals, deps: EnrichMessageDeps): EventsItem {
  const again = enrichMessage(item.source, item.enrichedAt, deps, rowRefusals);
  // Decoding is deterministic: a message that decoded once decodes again.
  if (again.kind !== 'events') throw new Error(`message ${item.topic}/${item.partition}/${item.offset} decoded once and not again: ${again.reason}`);
  return again;
}
