import { type ClickHouseClient, tablesFor, type TopicPartitionOffset } from '@cdnlog/common';
import { testLogger } from '@cdnlog/common/testing';
import { ageCheckIntervalMs, BatchWriter, type BatchWriterOptions, type WriterItem } from './batch-writer';

/** Per-partition transactions that record each one's committed offset; `committedByGroup` is what a claim reads. */
class RecordingTransactions implements Pick<BatchWriterOptions['transactions'], 'claim'> {
  transactions: TopicPartitionOffset[][] = [];
  claims: string[] = [];
  committedByGroup = new Map<string, bigint>();
  private readonly held = new Set<string>();
  async claim(topic: string, partition: number): Promise<bigint | undefined> {
    this.claims.push(`${topic}:${partition}`);
    this.held.add(`${topic}:${partition}`);
    return this.committedByGroup.get(`${topic}:${partition}`);
  }
  claimed = (topic: string, partition: number) => this.held.has(`${topic}:${partition}`);
  claimedPartitions = () => [...this.held].map((k) => ({ topic: k.split(':')[0]!, partition: Number(k.split(':')[1]) }));
  release = async (topic: string, partition: number) => void this.held.delete(`${topic}:${partition}`);
  async sendAndCommitOffsets(offset: TopicPartitionOffset): Promise<void> {
    this.transactions.push([offset]);
  }
}

/** Dead letters go through the same transaction as events and need no ClickHouse rows. */
const dead = (offset: number): WriterItem => ({
  kind: 'dead', topic: 'raw', partition: 0, offset: String(offset), reason: 'test',
  message: { topic: 'raw', partition: 0, offset: String(offset), key: null, value: Buffer.from('x'), headers: {}, timestamp: 0 },
});
const committed = (offset: number) => [{ topic: 'raw', partition: 0, offset: String(offset) }];

function writer(transactions: RecordingTransactions, extra: Partial<BatchWriterOptions> = {}) {
  return new BatchWriter({
    clickhouse: {} as ClickHouseClient, // no event rows in these tests: never called
    tables: tablesFor('test'),
    transactions, topics: { enriched: 'enriched', dlq: 'dlq' }, withoutRows: (item) => item, logger: testLogger('writer'), maxRows: 2, maxWaitMs: 60_000,
    ...extra,
  });
}

describe('BatchWriter.flush when a step outside the retried ones throws', () => {
  it('before the commit: the items go back to the buffer and the next flush commits them once', async () => {
    const producer = new RecordingTransactions();
    let checks = 0;
    const w = writer(producer, {
      isAssigned: () => {
        checks++;
        if (checks === 3) throw new Error('bug in the ownership check'); // the re-check after the insert (after the claim's and the first)
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
    const producer = new RecordingTransactions();
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
    const producer = new RecordingTransactions();
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

describe('BatchWriter: one transaction per raw partition, fenced by its claim', () => {
  const deadAt = (partition: number, offset: number): WriterItem => {
    const item = dead(offset) as Extract<WriterItem, { kind: 'dead' }>;
    return { ...item, partition, message: { ...item.message, partition } };
  };
  const counting = () => {
    const seen = { dropped: 0, redelivered: 0 };
    return {
      seen,
      metrics: {
        deadLettered: () => undefined, flushed: () => undefined, failed: () => undefined,
        dropped: (n: number) => (seen.dropped += n), redelivered: (n: number) => (seen.redelivered += n),
      },
    };
  };

  it('claims each partition once, before its first transaction, and commits each partition in its own transaction', async () => {
    const t = new RecordingTransactions();
    const w = writer(t, { maxRows: 100 });
    w.add([deadAt(0, 0), deadAt(1, 5), deadAt(0, 1)]);
    await w.flush();
    w.add([deadAt(1, 6)]);
    await w.flush();
    expect(t.claims).toEqual(['raw:0', 'raw:1']);
    expect(t.transactions).toEqual([
      [{ topic: 'raw', partition: 0, offset: '2' }],
      [{ topic: 'raw', partition: 1, offset: '6' }],
      [{ topic: 'raw', partition: 1, offset: '7' }],
    ]);
  });

  it('does not publish what the group committed before the claim (an earlier owner published it)', async () => {
    const t = new RecordingTransactions();
    t.committedByGroup.set('raw:0', 2n);
    const { seen, metrics } = counting();
    const w = writer(t, { maxRows: 100, metrics });
    w.add([dead(0), dead(1), dead(2)]);
    await w.flush();
    expect(t.transactions).toEqual([committed(3)]);
    expect(seen).toEqual({ dropped: 0, redelivered: 2 });
  });

  it('a partition revoked during the insert is dropped, not committed, and its producer released', async () => {
    const t = new RecordingTransactions();
    const { seen, metrics } = counting();
    let owned = true;
    const w = writer(t, { maxRows: 100, metrics, isAssigned: () => owned });
    w.add([dead(0)]);
    await w.flush();
    w.add([dead(1)]);
    const flushing = w.flush();
    owned = false; // the claim and the first ownership check ran synchronously before the flush yielded
    await flushing;
    expect(t.transactions).toEqual([committed(1)]);
    expect(t.claimedPartitions()).toEqual([]);
    expect(seen.dropped).toBe(1);
  });

  it('a failed transaction releases the producer: the retry claims the partition again and publishes once', async () => {
    const t = new RecordingTransactions();
    let failures = 1;
    const send = t.sendAndCommitOffsets.bind(t);
    t.sendAndCommitOffsets = async (offset) => {
      if (failures-- > 0) {
        await t.release(offset.topic, offset.partition);
        throw new Error('The producer attempted to use a producer id which is not currently assigned to its transactional id');
      }
      return send(offset);
    };
    const w = writer(t, { maxRows: 100, retryInitialMs: 1 });
    w.add([dead(0), dead(1)]);
    await w.flush();
    expect(t.claims).toEqual(['raw:0', 'raw:0']);
    expect(t.transactions).toEqual([committed(2)]);
  });
});
