import { Readable } from 'node:stream';
import {
  classifyClickHouseError, type ClickHouseClient, errorFields, type Logger, type OutgoingMessage, type Tables, type TopicPartitionOffset,
  type PartitionTransactions, type TopicMessages, UnknownErrorBudget,
} from '@cdnlog/common';
import { ENRICHED_LOG_COLUMNS } from './clickhouse-row';
import { refusedEventLetter, undecodableLetter } from './dead-letters';
import { insertIsolating, type RefusedRow } from './insert-isolating';
import { OffsetLedger } from './offset-ledger';
import { touch, type TouchedMinutes } from './rollups';
import type { EventsItem, RowRefusals, WriterItem } from './writer-item';

export type { WriterItem } from './writer-item';

interface Pending {
  items: WriterItem[];
  /** Rows buffered: events plus dead letters. */
  rows: number;
  firstAt: number;
}

export interface WriterMetrics {
  flushed(rows: number, dead: number, insertSeconds: number): void;
  deadLettered(stage: string, code: string): void;
  failed(stage: 'insert' | 'publish'): void;
  dropped(items: number): void;
  redelivered(items: number): void;
}

export interface BatchWriterOptions {
  clickhouse: ClickHouseClient;
  tables: Tables;
  /** One transactional producer per raw partition (libs/common kafka/partition-transactions.ts). */
  transactions: Pick<PartitionTransactions, 'claim' | 'claimed' | 'claimedPartitions' | 'release' | 'sendAndCommitOffsets'>;
  topics: { enriched: string; dlq: string };
  /** The item of the same message with the rows ClickHouse refused taken out (`enrichMessage` again, with the refusals). */
  withoutRows: (item: EventsItem, refusals: RowRefusals) => EventsItem;
  logger: Logger;
  metrics?: WriterMetrics;
  maxRows: number;
  maxWaitMs: number;
  /** Partitions no longer owned (rebalance) are dropped at flush: their new owner re-reads them. */
  isAssigned?: (topic: string, partition: number) => boolean;
  /** Told which tenant-minutes got rows (the rollup scheduler recomputes them). */
  onRowsWritten?: (touched: TouchedMinutes) => void;
  /** Told which raw offsets a flush committed (the consumer's partition health). */
  onCommitted?: (offsets: TopicPartitionOffset[]) => void;
  /** How long an unclassified ClickHouse error is retried before its rows are isolated (UNKNOWN_ERROR_GRACE_MS). */
  unknownErrorGraceMs?: number;
  retryInitialMs?: number;
  retryMaxMs?: number;
}

/**
 * Accumulates enriched events and flushes them at `maxRows` or `maxWaitMs`:
 *   1. insert the rows into `enriched_logs` (duplicates collapse on the sort key)
 *      and mark the touched minutes dirty for the rollup scheduler; rows
 *      ClickHouse refuses (a deterministic error) are isolated by bisection
 *      (`insertIsolating`) and become dead letters, the rest land,
 *   2. per raw partition, in ONE Kafka transaction of that partition's producer:
 *      publish the enriched events (one message per raw message, enriched-topic
 *      v2, without refused events) and the dead letters, and commit the
 *      partition's offset. The producer's transactional id belongs to the
 *      partition, so the partition's next owner fences this one before it reads
 *      the committed offset (kafka/partition-transactions.ts).
 * Transient errors are retried with backoff until they succeed: nothing is
 * dropped because ClickHouse or Kafka is down, and no offset is committed
 * before its rows are in ClickHouse or its refused events in the DLQ. A crash anywhere replays from the last committed
 * offsets; the table absorbs re-inserted rows and the aborted transaction
 * leaves nothing visible on the enriched topic. A message the consumer reads
 * twice within this process (its group membership lapsed during a long
 * flush, it re-joined and resumed from the last commit) is published once:
 * the OffsetLedger drops offsets already committed and repeated ones.
 */
export class BatchWriter {
  private pending: Pending = { items: [], rows: 0, firstAt: 0 };
  private readonly ledger = new OffsetLedger();
  private readonly unknownErrors: UnknownErrorBudget;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: BatchWriterOptions) {
    this.unknownErrors = new UnknownErrorBudget(opts.unknownErrorGraceMs ?? 120_000);
  }

  /** Rows (events and dead letters) buffered and not yet flushed. */
  get size(): number {
    return this.pending.rows;
  }

  /** Buffer a partition batch's items (one per consumed message). */
  add(items: WriterItem[]): void {
    if (this.pending.items.length === 0) this.pending.firstAt = Date.now();
    for (const item of items) {
      this.pending.items.push(item);
      // Refused events count too: a message whose events were all refused at decode must still be flushed (its letters, its offset).
      this.pending.rows += item.kind === 'events' ? item.rowCount + item.refused.length : 1;
    }
  }

  /**
   * Flush on age in the background (size-triggered flushes are awaited by the
   * consumer). The age is looked at every tenth of `maxWaitMs` (10–100 ms), so
   * a flush starts at most that late: at low traffic the wait is what bounds
   * live freshness.
   */
  startTimer(): void {
    this.timer = setInterval(() => {
      if (this.size > 0 && Date.now() - this.pending.firstAt >= this.opts.maxWaitMs && !this.running) {
        this.flush().catch((err) => this.opts.logger.error('background flush failed', errorFields(err)));
      }
    }, ageCheckIntervalMs(this.opts.maxWaitMs));
    this.timer.unref();
  }

  /**
   * Flush what is buffered now and wait until it is written and committed
   * (waits for a flush already running first). The consumer awaits this while
   * it holds its partitions, so a rebalance never moves a partition away in the
   * middle of a size-triggered flush. If a flush fails outside its retried
   * steps (a bug), its items go back to the front of the buffer and the error
   * is thrown: the next flush writes them again (ClickHouse collapses a
   * re-insert, the ledger skips what was already committed), so no later
   * offset is ever committed past them.
   */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    if (this.pending.items.length === 0) return;
    const batch = this.pending;
    this.pending = { items: [], rows: 0, firstAt: 0 };
    this.running = this.write(batch)
      .catch((err: unknown) => {
        this.pending = { items: [...batch.items, ...this.pending.items], rows: batch.rows + this.pending.rows, firstAt: batch.firstAt };
        throw err;
      })
      .finally(() => (this.running = undefined));
    await this.running;
  }

  /** Final flush on shutdown. It retries like any flush; the shutdown force-exit timer bounds it. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async write(batch: Pending): Promise<void> {
    await this.releaseRevoked();
    await this.claimOwned(batch.items);
    let inserted = this.publishable(batch.items);
    const started = process.hrtime.bigint();
    let rows = 0;
    const bodies: string[] = [];
    const touched: TouchedMinutes = new Map();
    for (const item of inserted) {
      if (item.kind !== 'events' || item.rowCount === 0) continue;
      rows += item.rowCount;
      bodies.push(item.rows);
      touch(touched, item.request.customerId, item.minutes);
    }
    if (rows > 0) {
      const { clickhouse, tables, logger, metrics } = this.opts;
      const body = bodies.join('');
      // Split into lines only if ClickHouse refuses the flush and it is bisected (rows are lines: newlines in text are escaped).
      let lines: string[] | undefined;
      const text = (lo: number, hi: number) => (lo === 0 && hi === rows ? body : `${(lines ??= body.split('\n')).slice(lo, hi).join('\n')}\n`);
      const refused = await insertIsolating(rows, {
        insert: (lo, hi) =>
          clickhouse
            .insert({ table: tables.enrichedLogs, columns: [...ENRICHED_LOG_COLUMNS], format: 'TabSeparated', values: Readable.from([text(lo, hi)], { objectMode: false }) })
            .then(() => undefined),
        classify: classifyClickHouseError,
        budget: this.unknownErrors,
        retryInitialMs: this.opts.retryInitialMs,
        retryMaxMs: this.opts.retryMaxMs,
        onRetry: (error, attempt, retryInMs) => {
          metrics?.failed('insert');
          logger.error('flush step failed, retrying', { stage: 'insert', attempt, retryInMs, errorClass: error.class, code: error.code, error: error.message });
        },
      });
      if (refused.length > 0) {
        inserted = this.withoutRefusedRows(inserted, refused);
        rows -= refused.length;
        logger.warn('ClickHouse refused rows; they go to the DLQ', { rows: refused.length, codes: [...new Set(refused.map((r) => r.error.code))] });
      }
      this.opts.onRowsWritten?.(touched);
    }
    const insertSeconds = Number(process.hrtime.bigint() - started) / 1e9;

    // The insert may have waited minutes for ClickHouse: ownership is looked at again.
    const items = this.publishable(inserted);
    await this.releaseRevoked();
    const byPartition = new Map<string, WriterItem[]>();
    for (const item of items) {
      const key = `${item.topic}:${item.partition}`;
      const group = byPartition.get(key);
      if (group) group.push(item);
      else byPartition.set(key, [item]);
    }
    // One transaction per raw partition, in parallel (partition-transactions.ts says why).
    const dead = await Promise.all([...byPartition.values()].map((group) => this.publishPartition(group)));
    this.opts.metrics?.flushed(rows, dead.reduce((a, b) => a + b, 0), insertSeconds);
    this.opts.logger.debug('flushed', { rows, partitions: byPartition.size });
  }

  /**
   * Publish one raw partition's items and commit its offset in one transaction of the
   * partition's producer. Each attempt looks again: a partition revoked meanwhile is dropped
   * (its new owner re-reads it), a producer lost to a failure is claimed again, and what the
   * claim learns was committed already is not published twice. The number of dead letters sent.
   */
  private async publishPartition(group: WriterItem[]): Promise<number> {
    const { topic, partition } = group[0]!;
    const { transactions, isAssigned, metrics, logger } = this.opts;
    let published: WriterItem[] = [];
    let revoked = false;
    await this.retry('publish', async () => {
      if (isAssigned && !isAssigned(topic, partition)) {
        revoked = true;
        await transactions.release(topic, partition);
        return;
      }
      if (!transactions.claimed(topic, partition)) await this.claim(topic, partition);
      const fresh = this.ledger.unpublished(group);
      if (fresh.length === 0) return;
      const offset = this.ledger.commitOffsets(fresh)[0]!;
      await transactions.sendAndCommitOffsets(offset, this.output(fresh));
      this.ledger.record([offset]);
      published = fresh;
      this.opts.onCommitted?.([offset]);
    });
    if (revoked) this.dropRevoked(group);
    else if (published.length < group.length) {
      metrics?.redelivered(group.length - published.length);
      logger.warn('skipped items the partition\'s earlier owner had committed', { topic, partition, items: group.length - published.length });
    }
    let dead = 0;
    for (const item of published) {
      if (item.kind === 'events') {
        for (const r of item.refused) metrics?.deadLettered(r.stage, r.code);
        dead += item.refused.length;
      } else {
        metrics?.deadLettered('decode', 'invalid_message');
        dead += 1;
      }
    }
    return dead;
  }

  /** The enriched messages and dead letters of `items`, for their partition's transaction. */
  private output(items: WriterItem[]): TopicMessages[] {
    const enriched: OutgoingMessage[] = [];
    const dlq: OutgoingMessage[] = [];
    for (const item of items) {
      if (item.kind === 'events') {
        enriched.push(...item.published);
        for (const r of item.refused) dlq.push(refusedEventLetter(item, item.request, r));
      } else {
        dlq.push(undecodableLetter(item.message, item.reason));
      }
    }
    return [
      { topic: this.opts.topics.enriched, messages: enriched },
      { topic: this.opts.topics.dlq, messages: dlq },
    ];
  }

  /** Claim the owned partitions of `items` not claimed yet, before anything of theirs is written. */
  private async claimOwned(items: WriterItem[]): Promise<void> {
    const seen = new Set<string>();
    for (const { topic, partition } of items) {
      const key = `${topic}:${partition}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (this.opts.transactions.claimed(topic, partition) || (this.opts.isAssigned && !this.opts.isAssigned(topic, partition))) continue;
      await this.retry('publish', () => this.claim(topic, partition));
    }
  }

  /** Fence the partition's earlier owners and learn what the group committed: only later offsets are published. */
  private async claim(topic: string, partition: number): Promise<void> {
    const committed = await this.opts.transactions.claim(topic, partition);
    this.ledger.forget(topic, partition);
    if (committed !== undefined) this.ledger.record([{ topic, partition, offset: committed.toString() }]);
  }

  /** Close the producers of partitions this process no longer owns. */
  private async releaseRevoked(): Promise<void> {
    const { transactions, isAssigned } = this.opts;
    if (!isAssigned) return;
    for (const { topic, partition } of transactions.claimedPartitions()) {
      if (!isAssigned(topic, partition)) {
        this.ledger.forget(topic, partition);
        await transactions.release(topic, partition);
      }
    }
  }

  /**
   * The items this process may still publish: of partitions it owns (a revoked
   * partition's new owner replays it from the committed offset), not yet
   * committed by an earlier flush, one copy of each offset.
   */
  private publishable(items: WriterItem[]): WriterItem[] {
    const { isAssigned, logger, metrics } = this.opts;
    let owned = items;
    if (isAssigned) {
      owned = items.filter((i) => isAssigned(i.topic, i.partition));
      if (owned.length < items.length) this.dropRevoked(items.filter((i) => !isAssigned(i.topic, i.partition)));
    }
    const fresh = this.ledger.unpublished(owned);
    if (fresh.length < owned.length) {
      metrics?.redelivered(owned.length - fresh.length);
      logger.warn('skipped items read again after the consumer re-joined its group (already published or buffered)', { items: owned.length - fresh.length });
    }
    return fresh;
  }

  /** Items of partitions no longer owned: not published (their new owner re-reads them), and the ledger forgets their partitions. */
  private dropRevoked(items: WriterItem[]): void {
    for (const i of items) this.ledger.forget(i.topic, i.partition);
    this.opts.metrics?.dropped(items.length);
    this.opts.logger.warn('dropped buffered items of revoked partitions', { items: items.length });
  }

  /**
   * The items with the refused rows taken out (rows are numbered in item order,
   * as the flush built its body): each item with a refused row is enriched
   * again without it, the row's event joins the item's `refused`.
   */
  private withoutRefusedRows(items: WriterItem[], refused: RefusedRow[]): WriterItem[] {
    let next = 0;
    let first = 0;
    return items.map((item) => {
      if (item.kind !== 'events') return item;
      const end = first + item.rowCount;
      const refusals = new Map<number, { code: string; reason: string }>();
      for (; next < refused.length && refused[next]!.index < end; next++) {
        const { index, error } = refused[next]!;
        refusals.set(index - first, { code: error.code, reason: error.message });
      }
      first = end;
      return refusals.size > 0 ? this.opts.withoutRows(item, refusals) : item;
    });
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

/** How often the age trigger is looked at: a tenth of the wait, between 10 and 100 ms. */
export function ageCheckIntervalMs(maxWaitMs: number): number {
  return Math.min(100, Math.max(10, Math.floor(maxWaitMs / 10)));
}
