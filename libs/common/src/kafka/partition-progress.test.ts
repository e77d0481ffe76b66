import { PartitionProgress } from './partition-progress';

describe('PartitionProgress', () => {
  let now = 1_000_000;
  const clock = () => now;

  it('reports nothing for an idle partition and 0 once everything fetched is finished', () => {
    const p = new PartitionProgress(clock);
    expect(p.health()).toEqual([]);
    p.fetched('t', 0, '10', '19', now - 5000);
    now += 3000;
    expect(p.health()).toEqual([{ topic: 't', partition: 0, stalledSeconds: 3, oldestAgeSeconds: 8 }]);
    p.finished('t', 0, '20');
    expect(p.health()).toEqual([{ topic: 't', partition: 0, stalledSeconds: 0, oldestAgeSeconds: 0 }]);
  });

  it('counts stalled time from the last progress, not from an idle period before the batch', () => {
    const p = new PartitionProgress(clock);
    p.fetched('t', 1, '0', '0', now);
    p.finished('t', 1, '1');
    now += 3_600_000; // an idle hour
    p.fetched('t', 1, '1', '4', now - 200);
    now += 1000;
    expect(p.health()[0]).toMatchObject({ stalledSeconds: 1, oldestAgeSeconds: 1.2 });
    now += 130_000;
    expect(p.stuck(120_000).map((h) => h.partition)).toEqual([1]);
  });

  it('a partly finished batch keeps waiting, and progress resets the stall clock', () => {
    const p = new PartitionProgress(clock);
    p.fetched('t', 0, '0', '9', now);
    p.fetched('t', 0, '10', '19', now + 10);
    now += 60_000;
    p.finished('t', 0, '5'); // part of the first batch committed
    expect(p.health()[0]!.stalledSeconds).toBe(0);
    now += 2000;
    expect(p.health()[0]!.stalledSeconds).toBe(2);
    p.finished('t', 0, '5'); // no new progress
    expect(p.health()[0]!.stalledSeconds).toBe(2);
    p.finished('t', 0, '15');
    expect(p.health()[0]).toMatchObject({ stalledSeconds: 0, oldestAgeSeconds: 62 - 0.01 });
  });

  it('a re-fetch from an earlier offset replaces what was pending, and forget/retain drop partitions', () => {
    const p = new PartitionProgress(clock);
    p.fetched('t', 0, '0', '9', now);
    p.fetched('t', 0, '10', '19', now);
    p.fetched('t', 0, '5', '30', now); // redelivered after a rebalance
    p.finished('t', 0, '31');
    expect(p.health()[0]).toMatchObject({ stalledSeconds: 0, oldestAgeSeconds: 0 });
    p.fetched('t', 2, '0', '0', now);
    p.retain((_topic, partition) => partition === 2);
    expect(p.health().map((h) => h.partition)).toEqual([2]);
    p.forget('t', 2);
    expect(p.health()).toEqual([]);
  });

  it('a re-fetch of offsets a flush already committed (after a re-join) is not reported as waiting', () => {
    const p = new PartitionProgress(clock);
    p.fetched('t', 0, '0', '9', now);
    p.finished('t', 0, '10'); // the flush committed 0..9
    p.fetched('t', 0, '0', '9', now); // the consumer re-joined and read 0..9 again; the writer skips them
    now += 300_000;
    expect(p.health()[0]).toMatchObject({ stalledSeconds: 0, oldestAgeSeconds: 0 });
    p.fetched('t', 0, '5', '14', now - 1000); // overlapping: only 10..14 wait
    now += 1000;
    expect(p.health()[0]).toMatchObject({ stalledSeconds: 1, oldestAgeSeconds: 2 });
    p.finished('t', 0, '15');
    expect(p.health()[0]).toMatchObject({ stalledSeconds: 0, oldestAgeSeconds: 0 });
  });
});
