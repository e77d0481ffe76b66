import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { type ConsumedMessage, toConsumedMessage } from '../kafka/batch-consumer';
import { readDeadLetter, type DeadLetter } from './dead-letter';

/** A letter as the DLQ tool sees it: the decoded letter plus the message's headers as written. */
export interface StoredLetter extends DeadLetter {
  headers: Record<string, string>;
}

export interface LetterFilter {
  tenant?: string;
  code?: string;
  stage?: string;
  /** Letters dead-lettered at or after this time, epoch ms. */
  since?: number;
}

export interface ReadTopicOptions {
  /** Fail when the high watermarks are not reached within this time. Default 60 s. */
  timeoutMs?: number;
  /** The throw-away consumer group is named `<groupPrefix>-<random>`. Default cdnlog-dlq-tool. */
  groupPrefix?: string;
}

/**
 * Every message of `topic` from the low to the high watermark each partition had
 * when the read started (later messages are left out). Nothing is committed: the
 * consumer uses a throw-away group without commits, deleted afterwards, so no
 * service's group and no offsets change.
 */
export async function readTopic(kafka: Kafka, topic: string, opts: ReadTopicOptions = {}): Promise<ConsumedMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `${opts.groupPrefix ?? 'cdnlog-dlq-tool'}-${randomBytes(6).toString('hex')}`;
  try {
    const highs = new Map<number, bigint>();
    for (const p of await admin.fetchTopicOffsets(topic)) if (BigInt(p.high) > BigInt(p.low)) highs.set(p.partition, BigInt(p.high));
    if (highs.size === 0) return [];

    const pending = new Set(highs.keys());
    const messages: ConsumedMessage[] = [];
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
    // END_BATCH_PROCESS also reports batches that held only transaction markers, so a marker at high - 1 ends the read too.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (BigInt(payload.lastOffset) + 1n >= (highs.get(payload.partition) ?? 0n)) pending.delete(payload.partition);
      if (pending.size === 0) finish();
    });
    await consumer.connect();
    let timer: NodeJS.Timeout | undefined;
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const high = highs.get(batch.partition) ?? 0n;
          for (const m of batch.messages) if (BigInt(m.offset) < high) messages.push(toConsumedMessage(topic, batch.partition, m));
        },
      });
      const timeoutMs = opts.timeoutMs ?? 60_000;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`reading ${topic} did not reach the high watermark of partition(s) ${[...pending].join(', ')} within ${timeoutMs / 1000}s`)),
          timeoutMs,
        );
      });
      await Promise.race([done, timeout]);
    } finally {
      clearTimeout(timer);
      await consumer.disconnect();
    }
    return messages.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

/** Every letter on the DLQ topic (see `readTopic`), with its headers. */
export async function readDeadLetters(kafka: Kafka, dlqTopic: string, opts: ReadTopicOptions = {}): Promise<StoredLetter[]> {
  return (await readTopic(kafka, dlqTopic, opts)).map((m) => ({ ...readDeadLetter(m), headers: m.headers }));
}

export function matchesFilter(letter: DeadLetter, filter: LetterFilter): boolean {
  return (
    (filter.tenant === undefined || letter.tenant === filter.tenant) &&
    (filter.code === undefined || letter.code === filter.code) &&
    (filter.stage === undefined || letter.stage === filter.stage) &&
    (filter.since === undefined || letter.at >= filter.since)
  );
}

export function filterLetters<T extends DeadLetter>(letters: T[], filter: LetterFilter): T[] {
  return letters.filter((l) => matchesFilter(l, filter));
}

/** One letter per id (a redelivery can dead-letter the same message again under the same id): the latest copy. */
export function uniqueById<T extends DeadLetter>(letters: T[]): T[] {
  return [...new Map(letters.map((l) => [l.id, l] as const)).values()];
}
