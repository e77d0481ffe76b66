import type { Kafka } from 'kafkajs';
import type { TopicPartitionOffset } from './batch-consumer';
import type { KafkaCompression } from './compression';
import { createTransactionalProducer, type TopicMessages, type TransactionalProducer } from './transactional-producer';

/**
 * Consume-transform-produce with one transactional producer per input partition, the way
 * Kafka Streams kept exactly-once before KIP-447.
 *
 * kafkajs commits offsets in a transaction without the consumer group's generation, so the
 * broker cannot refuse the commit of an instance that lost the partition in a rebalance while
 * its transaction was in flight. The partition's new owner would read the committed offset
 * from before that commit and publish the same output again. With a transactional id per
 * partition (`<prefix>.<topic>.<partition>`, the same in every instance of the group), the new
 * owner's `claim` fences the old owner first: the broker aborts (or, if it was committing,
 * completes) the old owner's open transaction, and only then is the committed offset read.
 * Every later transaction of the old owner fails as fenced. So each offset the group commits
 * follows, in one producer epoch, the committed offset that epoch read when it claimed the
 * partition, and no input message is published twice.
 */
export class PartitionTransactions {
  private readonly producers = new Map<string, { topic: string; partition: number; producer: TransactionalProducer }>();

  constructor(
    private readonly opts: {
      kafka: Kafka;
      groupId: string;
      /** Transactional ids are `<idPrefix>.<topic>.<partition>`: every instance of the group must use the same prefix. */
      idPrefix: string;
      compression?: KafkaCompression;
      /** A producer per partition is made here (a test may count or fail them). */
      createProducer?: (transactionalId: string) => TransactionalProducer;
    },
  ) {}

  static transactionalId(prefix: string, topic: string, partition: number): string {
    return `${prefix}.${topic}.${partition}`;
  }

  claimed(topic: string, partition: number): boolean {
    return this.producers.has(`${topic}:${partition}`);
  }

  claimedPartitions(): Array<{ topic: string; partition: number }> {
    return [...this.producers.values()].map(({ topic, partition }) => ({ topic, partition }));
  }

  /**
   * Fence the partition's earlier owners, then read the group's committed offset for it: the
   * next offset to publish (undefined when the group never committed one).
   */
  async claim(topic: string, partition: number): Promise<bigint | undefined> {
    await this.release(topic, partition);
    const id = PartitionTransactions.transactionalId(this.opts.idPrefix, topic, partition);
    const producer = this.opts.createProducer?.(id) ?? createTransactionalProducer(this.opts.kafka, id, this.opts.compression);
    try {
      await producer.connect();
      await producer.fence();
    } catch (err) {
      await producer.disconnect().catch(() => undefined);
      throw err;
    }
    this.producers.set(`${topic}:${partition}`, { topic, partition, producer });
    return this.committedOffset(topic, partition);
  }

  /**
   * Publish `output` and commit `offset` for the partition in one transaction of its producer.
   * A failed transaction leaves its producer unusable (fenced, or in a state kafkajs does not
   * recover from), so the partition is released and must be claimed again.
   */
  async sendAndCommitOffsets(offset: TopicPartitionOffset, output: TopicMessages[]): Promise<void> {
    const entry = this.producers.get(`${offset.topic}:${offset.partition}`);
    if (!entry) throw new Error(`partition ${offset.topic}:${offset.partition} is not claimed`);
    try {
      await entry.producer.sendAndCommitOffsets(output, this.opts.groupId, [offset]);
    } catch (err) {
      await this.release(offset.topic, offset.partition);
      throw err;
    }
  }

  /** Close the partition's producer (the partition was revoked, or its producer failed). */
  async release(topic: string, partition: number): Promise<void> {
    const key = `${topic}:${partition}`;
    const entry = this.producers.get(key);
    if (!entry) return;
    this.producers.delete(key);
    await entry.producer.disconnect().catch(() => undefined);
  }

  async close(): Promise<void> {
    await Promise.all(this.claimedPartitions().map(({ topic, partition }) => this.release(topic, partition)));
  }

  private async committedOffset(topic: string, partition: number): Promise<bigint | undefined> {
    const admin = this.opts.kafka.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId: this.opts.groupId, topics: [topic] });
      const offset = offsets?.partitions.find((p) => p.partition === partition)?.offset;
      return offset === undefined || BigInt(offset) < 0n ? undefined : BigInt(offset);
    } finally {
      await admin.disconnect();
    }
  }
}
