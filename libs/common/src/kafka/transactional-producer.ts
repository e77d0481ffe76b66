import { Partitioners, type Kafka } from 'kafkajs';
import { compressionType, type KafkaCompression } from './compression';
import type { TopicPartitionOffset } from './batch-consumer';
import { chunkMessages } from './chunk-messages';
import type { OutgoingMessage } from './producer';

export interface TopicMessages {
  topic: string;
  messages: OutgoingMessage[];
}

/**
 * Consume-transform-produce in one Kafka transaction: the output messages and
 * the consumer group's input offsets become visible together or not at all.
 * A crash before `commit` aborts the transaction (the next producer with the
 * same transactional id fences it), the input is redelivered, and readers
 * with read_committed isolation (our BatchConsumer's default) never see the
 * aborted output. This is what keeps the enriched topic free of duplicates.
 */
export interface TransactionalProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /**
   * Take over the transactional id now (InitProducerId) instead of at the first transaction: a
   * producer that held it before is fenced, and its open transaction is aborted (or, if it was
   * committing, finished) before this returns.
   */
  fence(): Promise<void>;
  sendAndCommitOffsets(output: TopicMessages[], groupId: string, offsets: TopicPartitionOffset[]): Promise<void>;
}

export function createTransactionalProducer(kafka: Kafka, transactionalId: string, compression: KafkaCompression = 'lz4'): TransactionalProducer {
  const codec = compressionType(compression);
  const producer = kafka.producer({
    transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    transactionTimeout: 60_000,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  return {
    connect: () => producer.connect(),
    disconnect: () => producer.disconnect(),
    async fence() {
      // kafkajs initialises the transactional producer id at the first transaction; an empty one ends without EndTxn.
      await (await producer.transaction()).abort();
    },
    async sendAndCommitOffsets(output, groupId, offsets) {
      const transaction = await producer.transaction();
      try {
        for (const { topic, messages } of output) {
          for (const chunk of chunkMessages(messages)) await transaction.send({ topic, messages: chunk, compression: codec });
        }
        const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
        for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), { partition: o.partition, offset: o.offset }]);
        if (byTopic.size > 0) {
          await transaction.sendOffsets({ consumerGroupId: groupId, topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) });
        }
        await transaction.commit();
      } catch (err) {
        await transaction.abort().catch(() => undefined);
        throw err;
      }
    },
  };
}
