import { byteSize, isRecordSizeRefusal, type MessageProducer, type OutgoingMessage } from '@cdnlog/common';

export class PublishTimeoutError extends Error {
  constructor(ms: number) {
    super(`Kafka did not acknowledge within ${ms} ms`);
    this.name = 'PublishTimeoutError';
  }
}

export class PublishFailedError extends Error {
  constructor(cause: unknown) {
    super(`Kafka rejected the publish: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'PublishFailedError';
  }
}

/** Kafka refuses this request's messages as too large (the topic's max.message.bytes), even sent alone. */
export class PublishTooLargeError extends Error {
  constructor(cause: unknown) {
    super(`Kafka refused the batch as too large: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'PublishTooLargeError';
  }
}

export type Admission = 'ok' | 'overloaded' | 'backlogged' | 'stalled' | 'broker_down';

/**
 * Whether new requests should be turned away before they are even read (no
 * broker probing here). `backlogged`: requests wait longer than
 * `maxQueueDelayMs` for a produce call. `stalled`: the same, and the send in
 * flight has had no answer for longer than the publish timeout (the broker is
 * unreachable or hung, not just slow).
 */
export type Pressure = 'ok' | 'overloaded' | 'backlogged' | 'stalled';

export interface PublisherOptions {
  topic: string;
  /** Gather concurrent requests for this long into one produce call. */
  lingerMs: number;
  /** Least time between the starts of two produce calls while requests keep queuing (see flushAfterSend). Default 0. */
  minSendIntervalMs?: number;
  /** Upper bound of events in one produce call (whole requests are never split). */
  maxBatchEvents: number;
  /** Upper bound of message bytes (keys and values) in one produce call, below the topic's max.message.bytes; a larger request goes alone. Default: no bound. */
  maxBatchBytes?: number;
  /** Events accepted but not yet settled by Kafka; admission stops at 90 %. */
  capacity: number;
  /** A request not acknowledged within this time fails (its events stay counted until Kafka settles them). */
  timeoutMs: number;
  /**
   * Admission stops while the oldest request waiting for a produce call has
   * waited longer than this: Kafka acknowledges slower than events arrive, and
   * a new request would only wait towards its timeout. Default: no bound.
   */
  maxQueueDelayMs?: number;
  /** While the broker is failing, let one request through per this interval to detect recovery. */
  probeIntervalMs?: number;
  /**
   * Produce calls in flight at once. The idempotent producer sends one request
   * at a time anyway; while one is in flight, arriving requests queue up and go
   * out together in the next call, so batches grow with load instead of the
   * broker receiving a stream of tiny requests. Default 1.
   */
  maxConcurrentSends?: number;
  onSend?: (events: number, seconds: number, ok: boolean) => void;
}

interface Group {
  messages: OutgoingMessage[];
  /** Events the messages carry (a raw v2 message holds a whole request). */
  events: number;
  /** Bytes of the messages' keys and values. */
  bytes: number;
  /** Sent in a produce call of its own (after a coalesced call was refused as too large). */
  alone?: boolean;
  queuedAt: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Coalescing, bounded publisher in front of the Kafka producer.
 *
 * Requests arriving within `lingerMs` share one produce call (acks=all), so
 * throughput does not hinge on one round trip per request. A request's events
 * always travel in one call, so its promise settles all-or-nothing. Memory is
 * bounded by `capacity`: an event counts from admission until Kafka settled its
 * send, even if the request already timed out. After a failed send the broker
 * is presumed down: requests fail fast (503) except one probe per interval,
 * and the first successful probe reopens the gate. A call is bounded in bytes
 * as well as events, below what the topic accepts; should Kafka still refuse
 * one as too large, that says nothing about the broker: its requests are sent
 * again one per call, and only a request too large on its own fails (413).
 */
export class Publisher {
  private queue: Group[] = [];
  private queuedEvents = 0;
  private inflightEvents = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Produce calls in flight, with their start time. */
  private readonly sends = new Map<Promise<void>, number>();
  private brokerDown = false;
  private lastProbeAt = 0;

  constructor(
    private readonly producer: MessageProducer,
    private readonly opts: PublisherOptions,
  ) {}

  /** Events accepted and not yet settled by Kafka. */
  get inflight(): number {
    return this.inflightEvents;
  }

  get fill(): number {
    return this.inflightEvents / this.opts.capacity;
  }

  get healthy(): boolean {
    return !this.brokerDown;
  }

  /** How long the oldest request waiting for a produce call has waited, ms. */
  queueDelayMs(now = Date.now()): number {
    return this.queue.length > 0 ? now - this.queue[0]!.queuedAt : 0;
  }

  pressure(): Pressure {
    if (this.inflightEvents >= 0.9 * this.opts.capacity) return 'overloaded';
    const now = Date.now();
    if (this.queueDelayMs(now) > (this.opts.maxQueueDelayMs ?? Infinity)) {
      const oldestSend = Math.min(...this.sends.values());
      return now - oldestSend > this.opts.timeoutMs ? 'stalled' : 'backlogged';
    }
    return 'ok';
  }

  /** May a request of `events` events be published now? */
  admit(events: number): Admission {
    if (this.brokerDown) {
      const now = Date.now();
      if (now - this.lastProbeAt < (this.opts.probeIntervalMs ?? 1000)) return 'broker_down';
      this.lastProbeAt = now;
    }
    const pressure = this.pressure();
    if (pressure !== 'ok') return pressure;
    if (this.inflightEvents + events > this.opts.capacity) return 'overloaded';
    return 'ok';
  }

  /**
   * Resolves once Kafka acknowledged every message (acks=all); rejects on
   * failure or timeout. `events`: how many events the messages carry (the
   * buffer bound and the batch bound count events, not messages; required, so
   * no caller falls back to counting messages).
   */
  publish(messages: OutgoingMessage[], events: number): Promise<void> {
    let group!: Group;
    let bytes = 0;
    for (const m of messages) bytes += byteSize(m.value) + (m.key === null ? 0 : byteSize(m.key));
    const acked = new Promise<void>((resolve, reject) => (group = { messages, events, bytes, queuedAt: Date.now(), resolve, reject }));
    acked.catch(() => undefined); // a rejection after the timeout has no listener left
    this.inflightEvents += events;
    this.queue.push(group);
    this.queuedEvents += events;
    if (this.queuedEvents >= this.opts.maxBatchEvents) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.opts.lingerMs);

    let timeout: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timeout = setTimeout(() => reject(new PublishTimeoutError(this.opts.timeoutMs)), this.opts.timeoutMs);
    });
    return Promise.race([acked, timedOut]).finally(() => clearTimeout(timeout));
  }

  /** Send everything queued now and wait until every send settled (shutdown). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.sends.size > 0) {
      this.flush();
      await Promise.allSettled([...this.sends.keys()]);
    }
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length === 0) return;
    // Busy: what is queued goes out when a send completes (see finally below).
    if (this.sends.size >= (this.opts.maxConcurrentSends ?? 1)) return;

    const groups: Group[] = [];
    let events = 0;
    let bytes = 0;
    const maxBytes = this.opts.maxBatchBytes ?? Infinity;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      if (groups.length > 0 && (next.alone || groups[0]!.alone || events + next.events > this.opts.maxBatchEvents || bytes + next.bytes > maxBytes)) break;
      groups.push(this.queue.shift()!);
      events += next.events;
      bytes += next.bytes;
    }
    this.queuedEvents -= events;
    const messages = groups.length === 1 ? groups[0]!.messages : groups.flatMap((g) => g.messages);

    const started = process.hrtime.bigint();
    const startedAt = Date.now();
    const send = this.producer
      .send(this.opts.topic, messages)
      .then(
        () => {
          this.brokerDown = false;
          for (const g of groups) g.resolve();
          this.opts.onSend?.(events, Number(process.hrtime.bigint() - started) / 1e9, true);
        },
        (err: unknown) => {
          this.opts.onSend?.(events, Number(process.hrtime.bigint() - started) / 1e9, false);
          if (!isRecordSizeRefusal(err)) {
            this.brokerDown = true;
            const failure = new PublishFailedError(err);
            for (const g of groups) g.reject(failure);
          } else if (groups.length === 1) {
            groups[0]!.reject(new PublishTooLargeError(err));
          } else {
            // Each request again, in a call of its own, ahead of what queued meanwhile; still counted in flight.
            this.queue.unshift(...groups.map((g) => ({ ...g, alone: true })));
            this.queuedEvents += events;
            this.inflightEvents += events;
          }
        },
      )
      .finally(() => {
        this.inflightEvents -= events;
        this.sends.delete(send);
        if (this.queue.length > 0) this.flushAfterSend(startedAt);
      });
    this.sends.set(send, startedAt);
  }

  /**
   * After a send: what queued meanwhile goes out once `minSendIntervalMs`
   * passed since that send started (or the batch is full), not at once.
   * Without this a steady stream of requests made one produce call per broker
   * round trip (hundreds of calls a second under single-event traffic), and each
   * call costs about the same CPU however few messages it carries. A request
   * reaching an idle publisher still waits only `lingerMs`.
   */
  private flushAfterSend(startedAt: number): void {
    const due = startedAt + (this.opts.minSendIntervalMs ?? 0) - Date.now();
    if (due <= 0 || this.queuedEvents >= this.opts.maxBatchEvents) return this.flush();
    // A linger timer set while the send was in flight would fire too early: this one replaces it.
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), due);
  }
}
