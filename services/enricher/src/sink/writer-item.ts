import type { ConsumedMessage, EnrichedRequestFields, OutgoingMessage } from '@cdnlog/common';
import type { RefusedEvent } from './dead-letters';
import type { ReadPosition } from './offset-ledger';

/**
 * One consumed raw message, enriched and ready to flush: its events as the
 * text ClickHouse gets and the messages the enriched topic gets, built when the
 * message is read. A buffered item holds a few strings and buffers, not an
 * object per event: what waits for a flush outlives the young generation, and
 * promoted objects are what old-space collections pay for.
 */
export interface EventsItem extends ReadPosition {
  kind: 'events';
  /** The message as read. A row ClickHouse refuses is traced back to its event by enriching the message again. */
  source: ConsumedMessage;
  enrichedAt: number;
  request: EnrichedRequestFields;
  /** The stored events' rows of `enriched_logs` (clickhouse-row.ts), one TabSeparated line each, in event order. */
  rows: string;
  rowCount: number;
  /** The minutes the stored events fall in, each once, epoch ms of their start (the rollup scheduler's dirty minutes). */
  minutes: number[];
  /** The stored events' enriched-topic messages. */
  published: OutgoingMessage[];
  /** The message's events that are not stored, each with why: refused at decode, or by ClickHouse. */
  refused: RefusedEvent[];
}

/** A message that could not be decoded: it becomes a dead letter as it was read. */
export interface DeadItem extends ReadPosition {
  kind: 'dead';
  message: ConsumedMessage;
  reason: string;
}

/** Every consumed message becomes exactly one item. */
export type WriterItem = EventsItem | DeadItem;

/** ClickHouse's refusals of a message's rows, by row (the order of its stored events, as first enriched). */
export type RowRefusals = ReadonlyMap<number, { code: string; reason: string }>;
