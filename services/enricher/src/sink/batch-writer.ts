import {
  type ClickHouseClient, type ConsumedMessage, type EnrichedEvent, errorFields, type Logger, type OutgoingMessage, type Tables,
  type TopicPartitionOffset, type TransactionalProducer,
} from '@cdnlog/common';
import { toClickHouseRow } from './clickhouse-row';
import { touch, type TouchedMinutes } from './rollups';

/** One consumed message's outcome, with the partition it came from. */
export type WriterItem = { topic: string; partition: number } & (
  | { kind: 'event'; event: EnrichedEvent }
  | { kind: 'dead'; message: ConsumedMessage; reason: string }
);

interface Pending {
  items: WriterItem[];
  /** Next offset to commit per topic-partition. */
  offsets: Map<string, TopicPartitionOffset>;
  firstAt: number;
}

export interface WriterMetrics {
  flushed(rows: number, dead: number, insertSeconds: number): void;
  failed(stage: 'insert' | 'publish'): void;
  dropped(items: number): void;
}

export interface BatchWriterOptions {
  clickhouse: ClickHouseClient;
  tables: Tables;
  producer: TransactionalProducer;
  topics: { enriched: string; dlq: string };
  groupId: string;
  logger: Logger;
  metrics?: WriterMetrics;
  maxRows: number;
  maxWaitMs: number;
  /** Partitions no longer owned (rebalance) are dropped at flush: their new owner re-reads them. */
  isAssigned?: (topic: string, partition: number) => boolean;
  /** Told which tenant-minutes got rows (the rollup scheduler recomputes them). */
  onRowsWritten?: (touched: TouchedMinutes) => void;
  retryInitialMs?: number;
  retryMaxMs?: number;
}

/**
 * Accumulates enriched events and flushes them at `maxRows` or `maxWaitMs`:
 *   1. insert the rows into `enriched_logs` (duplicates collapse on the sort key)
 *      and mark the touched minutes dirty for the rollup scheduler,
 *   2. in ONE Kafka transaction: publish the enriched events and the dead
 *      letters, and commit the raw-topic offsets.
 * Each step is retried with backoff until it succeeds: nothing is dropped
 * because ClickHouse or Kafka is down, and no offset is committed before its
 * rows are in ClickHouse. A crash anywhere replays from the last committed
 * offsets; the table absorbs re-inserted rows and the aborted transaction
 * leaves nothing visible on the enriched topic.
 */
export class BatchWriter {
  private pending: Pending = { items: [], offsets: new Map(), firstAt: 0 };
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: BatchWriterOptions) {}

  /** Items buffered and not yet flushed. */
  get size(): number {
    return this.pending.items.length;
  }

  /** Buffer a partition batch's items; `nextOffset` is its last offset + 1. */
  add(items: WriterItem[], topic: string, partition: number, nextOffset: string): void {
    if (this.pending.items.length === 0) this.pending.firstAt = Date.now();
    for (const item of items) this.pending.items.push(item);
    this.pending.offsets.set(`${topic}:${partition}`, { topic, partition, offset: nextOffset });
  }

  /** Flush on age in the background (size-triggered flushes are awaited by the consumer). */
  startTimer(): void {
    this.timer = setInterval(() => {
      if (this.size > 0 && Date.now() - this.pending.firstAt >= this.opts.maxWaitMs && !this.running) {
        this.flush().catch((err) => this.opts.logger.error('background flush failed', errorFields(err)));
      }
    }, Math.min(500, this.opts.maxWaitMs));
    this.timer.unref();
  }

  /** Flush what is buffered now; waits for a flush already running first. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    if (this.pending.offsets.size === 0) return;
    const batch = this.pending;
    this.pending = { items: [], offsets: new Map(), firstAt: 0 };
    this.running = this.write(batch).finally(() => (this.running = undefined));
    await this.running;
  }

  /** Final flush on shutdown. It retries like any flush; the shutdown force-exit timer bounds it. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async write(batch: Pending): Promise<void> {
    const { isAssigned, logger } = this.opts;
    let items = batch.items;
    let offsets = [...batch.offsets.values()];
    if (isAssigned && offsets.some((o) => !isAssigned(o.topic, o.partition))) {
      // Partitions revoked by a rebalance: their new owner replays them from the committed offset.
      items = items.filter((i) => isAssigned(i.topic, i.partition));
      offsets = offsets.filter((o) => isAssigned(o.topic, o.partition));
      this.opts.metrics?.dropped(batch.items.length - items.length);
      logger.warn('dropped buffered items of revoked partitions', { items: batch.items.length - items.length });
    }
    const events = items.filter((i): i is Extract<WriterItem, { kind: 'event' }> => i.kind === 'event').map((i) => i.event);
    const dead = items.filter((i): i is Extract<WriterItem, { kind: 'dead' }> => i.kind === 'dead');

    const started = process.hrtime.bigint();
    if (events.length > 0) {
      const rows = events.map(toClickHouseRow);
      await this.retry('insert', () => this.opts.clickhouse.insert({ table: this.opts.tables.enrichedLogs, values: rows, format: 'JSONEachRow' }).then(() => undefined));
      const touched: TouchedMinutes = new Map();
      for (const e of events) touch(touched, e.customerId, e.timestamp);
      this.opts.onRowsWritten?.(touched);
    }
    const insertSeconds = Number(process.hrtime.bigint() - started) / 1e9;

    const enriched: OutgoingMessage[] = events.map((e) => ({ key: e.customerId, value: JSON.stringify(e) }));
    const dlq: OutgoingMessage[] = dead.map((d) => ({
      key: d.message.key,
      value: d.message.value ?? '',
      headers: {
        'x-dlq-reason': d.reason.slice(0, 1000),
        'x-dlq-source': `${d.message.topic}/${d.message.partition}/${d.message.offset}`,
        'x-dlq-service': 'enricher',
      },
    }));
    await this.retry('publish', () =>
      this.opts.producer.sendAndCommitOffsets(
        [
          { topic: this.opts.topics.enriched, messages: enriched },
          { topic: this.opts.topics.dlq, messages: dlq },
        ],
        this.opts.groupId,
        offsets,
      ),
    );
    this.opts.metrics?.flushed(events.length, dead.length, insertSeconds);
    logger.debug('flushed', { rows: events.length, dead: dead.length, offsets });
  }

  private async retry(stage: 'insert' | 'publish', fn: () => Promise<void>): Promise<void> {
    let delay = this.opts.retryInitialMs ?? 500;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        this.opts.metrics?.failed(stage);
        this.opts.logger.error('flush step failed, retrying', { stage, attempt, retryInMs: delay, ...errorFields(err) });
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, this.opts.retryMaxMs ?? 10_000);
      }
    }
  }
}
