import { type ClickHouseClient, tablesFor, type TopicPartitionOffset, type TransactionalProducer } from '@cdnlog/common';
import { testLogger } from '@cdnlog/common/testing';
import { ageCheckIntervalMs, BatchWriter, type BatchWriterOptions, type WriterItem } from './batch-writer';

/** Records each transaction's committed offsets. */
class RecordingProducer implements TransactionalProducer {
  transactions: TopicPartitionOffset[][] = [];
  connect = async () => undefined;
  disconnect = async () => undefined;
  async sendAndCommitOffsets(_output: unknown, _groupId: string, offsets: TopicPartitionOffset[]): Promise<void> {
    this.transactions.push(offsets);
  }
}

/** Dead letters go through the same transaction as events and need no ClickHouse rows. */
const dead = (offset: number): WriterItem => ({
  kind: 'dead', topic: 'raw', partition: 0, offset: String(offset), reason: 'test',
  message: { topic: 'raw', partition: 0, offset: String(offset), key: null, value: Buffer.from('x'), headers: {}, timestamp: 0 },
});
const committed = (offset: number) => [{ topic: 'raw', partition: 0, offset: String(offset) }];

function writer(producer: TransactionalProducer, extra: Partial<BatchWriterOptions> = {}) {
  return new BatchWriter({
    clickhouse: {} as ClickHouseClient, // no event rows in these tests: never called
    tables: tablesFor('test'),
    producer, topics: { enriched: 'enriched', dlq: 'dlq' }, withoutRows: (item) => item, groupId: 'g', logger: testLogger('writer'), maxRows: 2, maxWaitMs: 60_000,
    ...extra,
  });
}

describe('BatchWriter.flush when a step outside the retried ones throws', () => {
  it('before the commit: the items go back to the buffer and the next flush commits them once', async () => {
    const producer = new RecordingProducer();
    let checks = 0;
    const w = writer(producer, {
      isAssigned: () => {
        checks++;
        if (checks === 2) throw new Error('bug in the ownership check'); // the re-check after the insert
        return true;
      },
    });
    w.add([dead(0), dead(1)]);
    await expect(w.flush()).rejects.toThrow('bug in the ownership check');
    expect(producer.transactions).toEqual([]);
    expect(w.size).toBe(2);

    w.add([dead(2)]);
    await w.flush();
    expect(producer.transactions).toEqual([committed(3)]);
    expect(w.size).toBe(0);
  });

  it('after the commit: the items go back, and the next flush skips them as already committed (no second copy)', async () => {
    const producer = new RecordingProducer();
    let redelivered = 0;
    let flushes = 0;
    const w = writer(producer, {
      metrics: {
        deadLettered: () => undefined,
        flushed: () => {
          if (++flushes === 1) throw new Error('bug in a metric');
        },
        failed: () => undefined,
        dropped: () => undefined,
        redelivered: (items) => (redelivered += items),
      },
    });
    w.add([dead(0), dead(1)]);
    await expect(w.flush()).rejects.toThrow('bug in a metric');
    expect(producer.transactions).toEqual([committed(2)]);
    expect(w.size).toBe(2);

    await w.flush();
    expect(producer.transactions).toEqual([committed(2)]);
    expect(redelivered).toBe(2);
    expect(w.size).toBe(0);
  });
});

describe('BatchWriter age trigger (low traffic: the wait bounds live freshness)', () => {
  afterEach(() => jest.useRealTimers());

  it('flushes a buffer below maxRows once its first row is maxWaitMs old, within one check interval', async () => {
    jest.useFakeTimers({ now: 0 });
    const producer = new RecordingProducer();
    const w = writer(producer, { maxRows: 5000, maxWaitMs: 1000 });
    w.startTimer();
    await jest.advanceTimersByTimeAsync(50); // the first row arrives between two checks
    w.add([dead(0)]);
    await jest.advanceTimersByTimeAsync(400);
    w.add([dead(1)]); // a later row does not restart the wait
    await jest.advanceTimersByTimeAsync(599); // t = 1,049 ms: the first row is 999 ms old
    expect(producer.transactions).toEqual([]);
    await jest.advanceTimersByTimeAsync(100); // t = 1,149 ms: the check at 1,100 ms saw it 1,050 ms old
    expect(producer.transactions).toEqual([committed(2)]);
    expect(w.size).toBe(0);
    await w.close();
  });

  it('looks at the age every tenth of the wait, between 10 and 100 ms', () => {
    expect([50, 300, 1000, 10_000].map(ageCheckIntervalMs)).toEqual([10, 30, 100, 100]);
  });
});
