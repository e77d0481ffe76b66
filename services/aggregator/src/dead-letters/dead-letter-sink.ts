import { DEAD_LETTER_HEADER, type deadLettersCounter, type MessageProducer, type OutgoingMessage } from '@cdnlog/common';

/** Where the aggregator's dead letters go: `send` resolves once they are durable on the DLQ topic (acks=all). */
export interface DeadLetterSink {
  send(letters: OutgoingMessage[]): Promise<void>;
}

/** Letters to `topic` through `producer` (idempotent, acks=all), counted in `cdnlog_dead_letters_total{stage,code}` once sent. */
export function deadLetterSink(producer: MessageProducer, topic: string, counter: ReturnType<typeof deadLettersCounter>): DeadLetterSink {
  return {
    async send(letters) {
      if (letters.length === 0) return;
      await producer.send(topic, letters);
      for (const { headers = {} } of letters) counter.inc({ stage: headers[DEAD_LETTER_HEADER.stage] ?? '', code: headers[DEAD_LETTER_HEADER.code] ?? '' });
    },
  };
}
