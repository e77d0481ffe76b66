import { type ClickHouseClient, tablesFor, type TopicPartitionOffset, type TransactionalProducer } from '@cdnlog/common';
import { testLogger } from '@cdnlog/common/testing';
import { BatchWriter, type WriterItem } from './batch-writer';

/** A transactional producer whose transactions wait until the test settles them. */
class ControlledProducer implements TransactionalProducer {
  transactions: Array<{ offsets: TopicPartitionOffset[]; settle: () => void }> = [];
  connect = async () => undefined;
  disconnect = async () => undefined;
  sendAndCommitOffsets(_output: unknown, _groupId: string, offsets: TopicPartitionOffset[]): Promise<void> {
    return new Promise((resolve) => this.transactions.push({ offsets, settle: resolve }));
  }
}

/** Dead letters go through the same transaction as events and need no ClickHouse rows. */
const dead = (offset: number): WriterItem => ({
  kind: 'dead', topic: 'raw', partition: 0, offset: String(offset), reason: 'test',
  message: { topic: 'raw', partition: 0, offset: String(offset), key: null, value: Buffer.from('x'), headers: {}, timestamp: 0 },
});
const tick = () => new Promise((r) => setTimeout(r, 5));

function writer(producer: TransactionalProducer) {
  return new BatchWriter({
    clickhouse: {} as ClickHouseClient, // no event rows in these tests: never called
    tables: tablesFor('test'),
    producer, topics: { enriched: 'enriched', dlq: 'dlq' }, groupId: 'g', logger: testLogger('writer'), maxRows: 2, maxWaitMs: 60_000,
  });
}

describe('BatchWriter.startFlush', () => {
  it('returns while its flush is in flight, so the next buffer fills meanwhile; a second one waits for the first; commits stay in order', async () => {
    const producer = new ControlledProducer();
    const w = writer(producer);
    w.add([dead(0), dead(1)]);
    await w.startFlush(); // under way, not done
    await tick();
    expect(producer.transactions.map((t) => t.offsets)).toEqual([[{ topic: 'raw', partition: 0, offset: '2' }]]);

    w.add([dead(2), dead(3)]);
    expect(w.size).toBe(2);
    let secondStarted = false;
    const second = w.startFlush().then(() => (secondStarted = true));
    await tick();
    expect(secondStarted).toBe(false); // waits for the first transaction
    expect(producer.transactions).toHaveLength(1);

    producer.transactions[0]!.settle();
    await second;
    await tick();
    expect(producer.transactions.map((t) => t.offsets)).toEqual([
      [{ topic: 'raw', partition: 0, offset: '2' }],
      [{ topic: 'raw', partition: 0, offset: '4' }],
    ]);
    expect(w.size).toBe(0);

    let flushed = false;
    const done = w.flush().then(() => (flushed = true));
    await tick();
    expect(flushed).toBe(false); // flush() waits until the running transaction committed
    producer.transactions[1]!.settle();
    await done;
  });
});
