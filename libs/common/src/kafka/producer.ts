import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { compressionType, type KafkaCompression } from './compression';

export interface OutgoingMessage {
  key: string | null;
  value: string | Buffer;
  headers?: Record<string, string>;
}

/**
 * Our producer contract: `send` resolves only when every message is
 * acknowledged by all in-sync replicas (acks=all), and rejects otherwise.
 * Backed by kafkajs today; a faster client can replace it behind this interface.
 */
export interface MessageProducer {
  connect(): Promise<void>;
  send(topic: string, messages: OutgoingMessage[]): Promise<void>;
  disconnect(): Promise<void>;
  isConnected(): boolean;
}

export interface ProducerOptions {
  /** Kafka idempotent producer (no duplicates from the client's own retries). */
  idempotent?: boolean;
  /** Codec of the record batches written (KAFKA_COMPRESSION); none when absent. */
  compression?: KafkaCompression;
}

export function createProducer(kafka: Kafka, opts: ProducerOptions = {}): MessageProducer {
  const idempotent = opts.idempotent ?? true;
  const producer: Producer = kafka.producer({
    idempotent,
    maxInFlightRequests: idempotent ? 1 : 5,
    allowAutoTopicCreation: false,
    // murmur2 on the key, like the Java client: a tenant's events land on one partition.
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  let connected = false;
  producer.on(producer.events.CONNECT, () => (connected = true));
  producer.on(producer.events.DISCONNECT, () => (connected = false));
  const compression = compressionType(opts.compression ?? 'none');

  return {
    connect: () => producer.connect(),
    disconnect: () => producer.disconnect(),
    isConnected: () => connected,
    async send(topic, messages) {
      if (messages.length === 0) return;
      await producer.send({ topic, acks: -1, compression, messages });
    },
  };
}
