import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { errorFields, type Logger } from '../logging/logger';
import type { Metrics } from '../metrics/registry';
import { type PartitionHealth, PartitionProgress } from './partition-progress';

export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Broker timestamp of the message, epoch ms. */
  timestamp: number;
}

/** A kafkajs message of `topic`/`partition` → ours: key as a string, each header's (first) value as a string. */
export function toConsumedMessage(topic: string, partition: number, m: KafkaMessage): ConsumedMessage {
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(m.headers ?? {})) headers[name] = String((Array.isArray(v) ? v[0] : v) ?? '');
  return { topic, partition, offset: m.offset, key: m.key ? m.key.toString() : null, value: m.value, headers, timestamp: Number(m.timestamp) };
}

export interface PartitionBatch {
  topic: string;
  partition: number;
  messages: ConsumedMessage[];
  /** Offset after the last message of the partition at fetch time. */
  highWatermark: string;
}

export interface BatchControl {
  heartbeat(): Promise<void>;
  /**
   * Wait for `work` while heartbeating often enough to keep the group
   * membership (a handler that waits on a slow store must not lapse).
   */
  keepAlive<T>(work: Promise<T>): Promise<T>;
  /** False once the consumer is stopping or this partition was taken away by a rebalance. */
  isRunning(): boolean;
}

/**
 * Resolve when the batch's work is done. Return 'seeked' after moving the
 * partition's position with `seek()`: the batch is then neither resolved nor
 * committed, and consumption continues from the new position.
 */
export type BatchHandler = (batch: PartitionBatch, control: BatchControl) => Promise<void | 'seeked'>;

export interface BatchConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  handler: BatchHandler;
  logger: Logger;
  metrics?: Metrics;
  /** Where a group with no committed offset starts. Default: earliest. */
  fromBeginning?: boolean;
  /**
   * `after-batch` (default): offsets are committed right after the handler
   * resolved. `manual`: the service calls `commit()` once the batch's side
   * effects are durable (e.g. after a buffered ClickHouse insert).
   */
  commitMode?: 'after-batch' | 'manual';
  partitionsConsumedConcurrently?: number;
  maxBytesPerPartition?: number;
  /** Bytes one fetch may return over all partitions (kafkajs' default is 10 MB). */
  maxBytes?: number;
  /** The broker holds a fetch until this many bytes are ready or `maxWaitTimeMs` passed (KAFKA_FETCH_MIN_BYTES; default 1). */
  minBytes?: number;
  /** KAFKA_FETCH_MAX_WAIT_MS; default kafkajs' 5000. */
  maxWaitTimeMs?: number;
  sessionTimeoutMs?: number;
  /** Backoff for a failing handler: it is retried, never skipped. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** How often `cdnlog_consumer_lag` is sampled (with `metrics`). Default 10 s. */
  lagSampleMs?: number;
  /** First wait before a consumer that crashed for good is started again (doubling to 30 s). */
  reviveInitialMs?: number;
  /**
   * A partition whose fetched messages have made no progress for this long counts
   * as stuck (`stuckPartitions()`, readiness). Default 120 s: longer than any
   * healthy flush or retry backoff, shorter than the 15-minute live window.
   */
  stuckAfterMs?: number;
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  /** The next offset to read, i.e. last processed + 1. */
  offset: string;
}

/**
 * The one Kafka consumer loop of the project. It owns connection, group
 * membership, the fetch loop, offset commits, handler retries and health;
 * services only supply a `BatchHandler`.
 *
 * Guarantees: a batch's offsets are committed only after its handler resolved
 * (at-least-once). A handler that throws is retried with exponential backoff
 * (heartbeating meanwhile) until it succeeds or the partition is revoked: no
 * message is skipped because a downstream store was briefly unavailable. So a
 * handler throws only for transient errors (errors/error-class.ts); data a store
 * refuses is the handler's to isolate and dead-letter before it returns.
 *
 * Health: per owned partition, how long fetched messages have waited without
 * progress and how old the oldest of them is (`PartitionProgress`), as the
 * gauges `cdnlog_consumer_stalled_seconds` and
 * `cdnlog_consumer_oldest_unprocessed_age_seconds`, and `stuckPartitions()`.
 * `manual` consumers report their commits with `finished()`.
 */
export class BatchConsumer {
  private readonly consumer: Consumer;
  private joined = false;
  private assignment = new Map<string, Set<number>>();
  private crashed = false;
  private running = false;
  private readonly lag;
  private lagTimer: NodeJS.Timeout | undefined;
  private reviveTimer: NodeJS.Timeout | undefined;
  private admin: Admin | undefined;
  private readonly batchSize;
  private readonly handlerErrors;
  /** kafkajs sends a heartbeat only when this much time passed since the last one answered. */
  private readonly heartbeatIntervalMs: number;
  private readonly progress = new PartitionProgress();

  constructor(private readonly opts: BatchConsumerOptions) {
    const sessionTimeout = opts.sessionTimeoutMs ?? 30_000;
    // A third of the session at most (Kafka's advice): a beat skipped by a few ms must not expire the session.
    this.heartbeatIntervalMs = Math.min(3000, Math.floor(sessionTimeout / 3));
    this.consumer = opts.kafka.consumer({
      groupId: opts.groupId,
      sessionTimeout,
      heartbeatInterval: this.heartbeatIntervalMs,
      maxBytesPerPartition: opts.maxBytesPerPartition ?? 1_048_576,
      maxBytes: opts.maxBytes ?? 10_485_760,
      minBytes: opts.minBytes ?? 1,
      maxWaitTimeInMs: opts.maxWaitTimeMs ?? 5000,
      allowAutoTopicCreation: false,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => {
      this.joined = true;
      this.assignment = new Map(Object.entries(e.payload.memberAssignment).map(([topic, partitions]) => [topic, new Set(partitions)]));
      this.progress.retain((topic, partition) => this.isAssigned(topic, partition));
      opts.logger.info('consumer joined group', { groupId: opts.groupId, assignment: e.payload.memberAssignment });
    });
    this.consumer.on(this.consumer.events.CRASH, (e) => {
      this.crashed = !e.payload.restart;
      this.joined = false;
      opts.logger.error('consumer crashed', { groupId: opts.groupId, restart: e.payload.restart, ...errorFields(e.payload.error) });
      if (!e.payload.restart && this.running) this.scheduleRevive();
    });
    this.consumer.on(this.consumer.events.REBALANCING, () => {
      opts.logger.info('consumer group rebalancing', { groupId: opts.groupId });
    });
    this.lag = opts.metrics?.gauge(
      'consumer_lag',
      'High watermark minus the committed offset, per owned partition, sampled every 10 s (a transactional topic adds one marker per transaction)',
      ['topic', 'partition'],
    );
    this.batchSize = opts.metrics?.histogram('consumer_batch_size', 'Messages per handled partition batch', [1, 10, 100, 500, 1000, 5000, 10000], ['topic']);
    this.handlerErrors = opts.metrics?.counter('consumer_handler_errors_total', 'Handler attempts that threw (they are retried)', ['topic']);
    const progress = this.progress;
    const perPartition = (pick: (h: PartitionHealth) => number) =>
      function (this: { reset(): void; set(labels: { topic: string; partition: string }, value: number): void }) {
        this.reset();
        for (const h of progress.health()) this.set({ topic: h.topic, partition: String(h.partition) }, pick(h));
      };
    opts.metrics?.gauge(
      'consumer_stalled_seconds',
      'Per owned partition: seconds its fetched messages have waited without progress (0 when none waits)',
      ['topic', 'partition'],
      perPartition((h) => h.stalledSeconds),
    );
    opts.metrics?.gauge(
      'consumer_oldest_unprocessed_age_seconds',
      'Per owned partition: age of the oldest fetched message not yet finished (committed), by its broker timestamp; 0 when none',
      ['topic', 'partition'],
      perPartition((h) => h.oldestAgeSeconds),
    );
  }

  async start(): Promise<void> {
    this.running = true;
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.opts.topics, fromBeginning: this.opts.fromBeginning ?? true });
    await this.run();
    if (this.lag) {
      // Measured from committed offsets, so a handler that is stuck shows growing lag (not a stale last value).
      this.admin = this.opts.kafka.admin();
      await this.admin.connect();
      this.lagTimer = setInterval(() => void this.sampleLag().catch(() => undefined), this.opts.lagSampleMs ?? 10_000);
      this.lagTimer.unref();
      void this.sampleLag().catch(() => undefined);
    }
  }

  private run(): Promise<void> {
    return this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.opts.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.handle(payload),
    });
  }

  /**
   * kafkajs restarts a crashed consumer only when the error is retriable; after any other
   * (a group coordinator not found while a broker is down, an unknown server error) it stays
   * stopped for good and the partitions wait. Connect and run it again, with backoff, until
   * it runs: the group then hands out the partitions again from their committed offsets.
   */
  private scheduleRevive(delayMs = this.opts.reviveInitialMs ?? 1000): void {
    clearTimeout(this.reviveTimer);
    this.reviveTimer = setTimeout(() => {
      if (!this.running) return;
      this.consumer
        .connect()
        .then(() => this.run())
        .then(() => {
          this.crashed = false;
          this.opts.logger.warn('consumer started again after a crash kafkajs does not restart from', { groupId: this.opts.groupId });
        })
        .catch((err: unknown) => {
          this.opts.logger.error('consumer could not be started again; retrying', { groupId: this.opts.groupId, retryInMs: delayMs, ...errorFields(err) });
          this.scheduleRevive(Math.min(delayMs * 2, 30_000));
        });
    }, delayMs);
    this.reviveTimer.unref();
  }

  private async sampleLag(): Promise<void> {
    if (!this.admin || !this.lag) return;
    const committed = await this.admin.fetchOffsets({ groupId: this.opts.groupId, topics: this.opts.topics });
    for (const { topic, partitions } of committed) {
      const high = new Map((await this.admin.fetchTopicOffsets(topic)).map((p) => [p.partition, { high: BigInt(p.high), low: BigInt(p.low) }]));
      for (const { partition, offset } of partitions) {
        const h = high.get(partition);
        if (!h || !this.isAssigned(topic, partition)) continue;
        const from = BigInt(offset) < 0n ? h.low : BigInt(offset);
        this.lag.set({ topic, partition: String(partition) }, Number(h.high - from));
      }
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.lagTimer);
    clearTimeout(this.reviveTimer);
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = undefined;
    this.running = false;
    await this.consumer.disconnect();
    this.joined = false;
  }

  /** Partitions whose fetched messages made no progress for longer than `stuckAfterMs` (readiness fails while any is). */
  stuckPartitions(): PartitionHealth[] {
    return this.progress.stuck(this.opts.stuckAfterMs ?? 120_000);
  }

  /** Per owned partition with fetched messages: stalled seconds and oldest unfinished age. */
  partitionHealth(): PartitionHealth[] {
    return this.progress.health();
  }

  /** `manual` consumers: these offsets (next to read) are committed, so everything before them is finished. */
  finished(offsets: TopicPartitionOffset[]): void {
    for (const o of offsets) this.progress.finished(o.topic, o.partition, o.offset);
  }

  /** Joined its group and not crashed for good. */
  isHealthy(): boolean {
    return this.running && this.joined && !this.crashed;
  }

  /** Whether this member currently owns the partition (as of its last group join). */
  isAssigned(topic: string, partition: number): boolean {
    return this.assignment.get(topic)?.has(partition) ?? false;
  }

  /** Every partition this member owns (as of its last group join). */
  assignedPartitions(): Array<{ topic: string; partition: number }> {
    return [...this.assignment].flatMap(([topic, partitions]) => [...partitions].map((partition) => ({ topic, partition })));
  }

  /** Commit explicit offsets (`commitMode: 'manual'`). */
  async commit(offsets: TopicPartitionOffset[]): Promise<void> {
    if (offsets.length > 0) await this.consumer.commitOffsets(offsets);
  }

  pause(topic: string, partitions: number[]): void {
    this.consumer.pause([{ topic, partitions }]);
  }

  /** Stop fetching every subscribed topic while staying in the group (e.g. to commit a last flush before leaving). */
  pauseAll(): void {
    if (!this.running) return; // never started (kafkajs refuses to pause before run)
    this.consumer.pause(this.opts.topics.map((topic) => ({ topic })));
  }

  resume(topic: string, partitions: number[]): void {
    this.consumer.resume([{ topic, partitions }]);
  }

  /** Move the fetch position of an assigned partition (e.g. to rebuild state). */
  seek(topic: string, partition: number, offset: string): void {
    this.progress.forget(topic, partition);
    this.consumer.seek({ topic, partition, offset });
  }

  private async handle(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, resolveOffset } = payload;
    if (batch.messages.length === 0) return;
    if (payload.isStale()) return; // the partition was seeked or re-assigned since this fetch
    const isRunning = () => this.running && payload.isRunning() && !payload.isStale();
    const keepAlive = <T>(work: Promise<T>) => whileHeartbeating(work, heartbeat, this.heartbeatIntervalMs);
    const partitionBatch: PartitionBatch = {
      topic: batch.topic,
      partition: batch.partition,
      highWatermark: batch.highWatermark,
      messages: batch.messages.map((m) => toConsumedMessage(batch.topic, batch.partition, m)),
    };
    const last = batch.messages[batch.messages.length - 1]!.offset;
    const context = { topic: batch.topic, partition: batch.partition, firstOffset: batch.firstOffset(), lastOffset: last };
    this.progress.fetched(batch.topic, batch.partition, batch.messages[0]!.offset, last, partitionBatch.messages[0]!.timestamp);

    let delay = this.opts.retryInitialMs ?? 200;
    for (let attempt = 1; ; attempt++) {
      try {
        if ((await this.opts.handler(partitionBatch, { heartbeat, isRunning, keepAlive })) === 'seeked') {
          this.progress.forget(batch.topic, batch.partition);
          return;
        }
        break;
      } catch (err) {
        this.handlerErrors?.inc({ topic: batch.topic });
        if (!isRunning()) {
          this.opts.logger.warn('batch handler failed while stopping or revoked; batch will be redelivered', { ...context, attempt, ...errorFields(err) });
          this.progress.forget(batch.topic, batch.partition);
          throw err;
        }
        this.opts.logger.error('batch handler failed, retrying', { ...context, attempt, retryInMs: delay, ...errorFields(err) });
        await sleepWithHeartbeat(delay, heartbeat, isRunning);
        delay = Math.min(delay * 2, this.opts.retryMaxMs ?? 10_000);
      }
    }

    resolveOffset(last);
    if ((this.opts.commitMode ?? 'after-batch') === 'after-batch') {
      const next = (BigInt(last) + 1n).toString();
      await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
      this.progress.finished(batch.topic, batch.partition, next);
    }
    await heartbeat();
    this.batchSize?.observe({ topic: batch.topic }, batch.messages.length);
  }
}

async function sleepWithHeartbeat(ms: number, heartbeat: () => Promise<void>, isRunning: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until && isRunning()) {
    await new Promise((r) => setTimeout(r, Math.min(1000, until - Date.now())));
    await heartbeat().catch(() => undefined);
  }
}

/**
 * kafkajs's heartbeat() is a no-op until `intervalMs` passed since the last
 * answered beat, so ticking at the interval itself would skip every other
 * beat, and a short session could expire while a handler waits out a store
 * outage.
 * Ticking at a third of it keeps the gap under 1.4 intervals.
 */
async function whileHeartbeating<T>(work: Promise<T>, heartbeat: () => Promise<void>, intervalMs: number): Promise<T> {
  const beat = setInterval(() => void heartbeat().catch(() => undefined), Math.max(100, Math.floor(intervalMs / 3)));
  try {
    return await work;
  } finally {
    clearInterval(beat);
  }
}
