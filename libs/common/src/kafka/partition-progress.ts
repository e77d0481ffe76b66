/**
 * Per partition, what a consumer has fetched but not yet finished, so health
 * can tell a stuck partition from an idle one. "Finished" is what the consumer
 * commits: after the handler for `after-batch` consumers, after the service's
 * own commit (e.g. the enricher's transaction) for `manual` ones.
 *
 * - stalled seconds: while messages wait, the time since the partition last made
 *   progress (or since the waiting began, if later); 0 when nothing waits. A
 *   handler that retries a store forever, or a flush that cannot finish, shows
 *   here within seconds, while committed-offset lag only says "behind".
 * - oldest age: the broker timestamp age of the oldest unfinished message (a
 *   partially finished batch counts from its first message: an upper bound).
 */
interface Pending {
  firstOffset: bigint;
  lastOffset: bigint;
  /** Broker timestamp of the batch's first message, epoch ms. */
  firstTimestamp: number;
  receivedAt: number;
}

interface PartitionState {
  pending: Pending[];
  lastProgressAt: number;
  /** Everything before this offset is known finished: a re-fetch of it (after a re-join) is not waiting. */
  finishedUpTo: bigint;
}

export interface PartitionHealth {
  topic: string;
  partition: number;
  stalledSeconds: number;
  oldestAgeSeconds: number;
}

export class PartitionProgress {
  private readonly partitions = new Map<string, PartitionState & { topic: string; partition: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A batch was handed to the handler. */
  fetched(topic: string, partition: number, firstOffset: string, lastOffset: string, firstTimestamp: number): void {
    const state = this.state(topic, partition);
    const last = BigInt(lastOffset);
    // Offsets already finished (the consumer re-joined and re-reads from an older commit while a flush committed them) do not wait.
    if (last < state.finishedUpTo) return;
    const first = BigInt(firstOffset) < state.finishedUpTo ? state.finishedUpTo : BigInt(firstOffset);
    // A re-fetch after a rebalance or seek replaces what was pending from that offset on.
    state.pending = state.pending.filter((p) => p.lastOffset < first);
    if (state.pending.length === 0) state.lastProgressAt = Math.max(state.lastProgressAt, this.now());
    state.pending.push({ firstOffset: first, lastOffset: last, firstTimestamp, receivedAt: this.now() });
  }

  /** Everything before `nextOffset` is finished (committed). */
  finished(topic: string, partition: number, nextOffset: string): void {
    const state = this.state(topic, partition);
    const next = BigInt(nextOffset);
    if (next > state.finishedUpTo) state.finishedUpTo = next;
    const before = state.pending.length;
    state.pending = state.pending.filter((p) => p.lastOffset >= next);
    let progressed = state.pending.length < before;
    const head = state.pending[0];
    if (head && head.firstOffset < next) {
      head.firstOffset = next;
      progressed = true;
    }
    if (progressed) state.lastProgressAt = this.now();
  }

  /** Forget a partition (revoked, or moved with seek). */
  forget(topic: string, partition: number): void {
    this.partitions.delete(key(topic, partition));
  }

  /** Keep only the partitions in `owned`. */
  retain(owned: (topic: string, partition: number) => boolean): void {
    for (const [k, s] of this.partitions) if (!owned(s.topic, s.partition)) this.partitions.delete(k);
  }

  health(): PartitionHealth[] {
    const now = this.now();
    return [...this.partitions.values()].map(({ topic, partition, pending, lastProgressAt }) => {
      const head = pending[0];
      return {
        topic,
        partition,
        stalledSeconds: head ? Math.max(0, now - Math.max(lastProgressAt, head.receivedAt)) / 1000 : 0,
        oldestAgeSeconds: head ? Math.max(0, now - head.firstTimestamp) / 1000 : 0,
      };
    });
  }

  /** Partitions whose messages have waited longer than `afterMs` without progress. */
  stuck(afterMs: number): PartitionHealth[] {
    return this.health().filter((h) => h.stalledSeconds * 1000 > afterMs);
  }

  private state(topic: string, partition: number) {
    let state = this.partitions.get(key(topic, partition));
    if (!state) {
      state = { topic, partition, pending: [], lastProgressAt: this.now(), finishedUpTo: -1n };
      this.partitions.set(key(topic, partition), state);
    }
    return state;
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
