import { createHash } from 'node:crypto';
import type { ConsumedMessage } from '../kafka/batch-consumer';
import type { OutgoingMessage } from '../kafka/producer';
import { TENANT_ID_PATTERN } from '../schemas/tenant-id';

/**
 * The layout of a dead letter on the DLQ topic, owned here: consumers write
 * letters with `deadLetter()`, the DLQ tool (`npm run dlq`) reads them with
 * `readDeadLetter()`.
 *
 * Value: what could not be processed, in the source topic's own format, so a
 * replay re-produces it there: the whole source message when it could not be
 * decoded, or a message of the same version holding only the refused events
 * (a raw v2 message with one event, say) when a store refused part of it.
 * Key: the tenant (as on the source topic), or the source key when unknown.
 * Headers (all strings):
 *   x-dlq-id                stable id of the letter: `<topic>/<partition>/<offset>` plus
 *                           `#<event index>` for a single refused event; the same when a
 *                           redelivery dead-letters it again
 *   x-dlq-tenant            tenant id, '' when the message could not be read
 *   x-dlq-source-topic / -partition / -offset   where it was read
 *   x-dlq-service           enricher | aggregator
 *   x-dlq-stage             decode (schema, JSON) | clickhouse | redis
 *   x-dlq-code              stable error code (e.g. invalid_message, clickhouse_25, redis_number_refused)
 *   x-dlq-reason            human message (at most 1,000 characters)
 *   x-dlq-events            events the value holds (0 when it could not be decoded)
 *   x-dlq-at                when it was dead-lettered, epoch ms
 */
export type DeadLetterStage = 'decode' | 'clickhouse' | 'redis';

export interface DeadLetterInput {
  /** The source message (its position and key). */
  source: Pick<ConsumedMessage, 'topic' | 'partition' | 'offset' | 'key' | 'value'>;
  /** The letter's value when it is not the whole source message (a part of it). */
  value?: string | Buffer;
  /** Index of the one refused event within the source message, when only it is dead-lettered. */
  eventIndex?: number;
  tenant: string;
  service: 'enricher' | 'aggregator';
  stage: DeadLetterStage;
  code: string;
  reason: string;
  events: number;
  at?: number;
}

export interface DeadLetter {
  id: string;
  tenant: string;
  source: { topic: string; partition: number; offset: string };
  service: string;
  stage: string;
  code: string;
  reason: string;
  events: number;
  at: number;
  /** The DLQ message's own position. */
  dlq: { partition: number; offset: string };
  key: string | null;
  value: Buffer | null;
}

export const DEAD_LETTER_HEADER = {
  id: 'x-dlq-id',
  tenant: 'x-dlq-tenant',
  sourceTopic: 'x-dlq-source-topic',
  sourcePartition: 'x-dlq-source-partition',
  sourceOffset: 'x-dlq-source-offset',
  service: 'x-dlq-service',
  stage: 'x-dlq-stage',
  code: 'x-dlq-code',
  reason: 'x-dlq-reason',
  events: 'x-dlq-events',
  at: 'x-dlq-at',
} as const;

/** The tenant of a message that could not be decoded: its key when that is a tenant id (producers key by tenant), else ''. */
export function tenantOfKey(key: string | null): string {
  return key !== null && TENANT_ID_PATTERN.test(key) ? key : '';
}

export function deadLetterId(source: { topic: string; partition: number; offset: string }, eventIndex?: number): string {
  const base = `${source.topic}/${source.partition}/${source.offset}`;
  return eventIndex === undefined ? base : `${base}#${eventIndex}`;
}

export function deadLetter(input: DeadLetterInput): OutgoingMessage {
  const { source } = input;
  const h = DEAD_LETTER_HEADER;
  return {
    key: input.tenant || source.key,
    value: input.value ?? source.value ?? '',
    headers: {
      [h.id]: deadLetterId(source, input.eventIndex),
      [h.tenant]: input.tenant,
      [h.sourceTopic]: source.topic,
      [h.sourcePartition]: String(source.partition),
      [h.sourceOffset]: source.offset,
      [h.service]: input.service,
      [h.stage]: input.stage,
      [h.code]: input.code,
      [h.reason]: input.reason.length > 1000 ? `${input.reason.slice(0, 1000)}…` : input.reason,
      [h.events]: String(input.events),
      [h.at]: String(input.at ?? Date.now()),
    },
  };
}

/** A message read from the DLQ topic → its letter; letters written before these headers existed get what can be recovered. */
export function readDeadLetter(message: ConsumedMessage): DeadLetter {
  const h = message.headers;
  const H = DEAD_LETTER_HEADER;
  // Older letters had only x-dlq-source = topic/partition/offset and x-dlq-reason.
  const legacy = /^(.*)\/(\d+)\/(\d+)$/.exec(h['x-dlq-source'] ?? '');
  const source = {
    topic: h[H.sourceTopic] ?? legacy?.[1] ?? '',
    partition: Number(h[H.sourcePartition] ?? legacy?.[2] ?? -1),
    offset: h[H.sourceOffset] ?? legacy?.[3] ?? '',
  };
  return {
    id: h[H.id] ?? deadLetterId(source),
    tenant: h[H.tenant] ?? '',
    source,
    service: h[H.service] ?? '',
    stage: h[H.stage] ?? 'decode',
    code: h[H.code] ?? 'invalid_message',
    reason: h[H.reason] ?? '',
    events: Number(h[H.events] ?? 0),
    at: Number(h[H.at] ?? message.timestamp),
    dlq: { partition: message.partition, offset: message.offset },
    key: message.key,
    value: message.value,
  };
}

/**
 * The batchKey a replayed letter carries: derived from the letter's id only, so
 * replaying the same letter twice gives the same key and the live window counts
 * it once (ClickHouse deduplicates by event id anyway). 64 characters at most,
 * like every batchKey.
 */
export function replayBatchKey(letterId: string): string {
  return `dlq-${createHash('sha256').update(letterId).digest('hex').slice(0, 40)}`;
}
