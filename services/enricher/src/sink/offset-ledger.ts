import type { TopicPartitionOffset } from '@cdnlog/common';

/** What the ledger needs of a buffered item: where it was read. */
export interface ReadPosition {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Per raw partition, the offset up to which THIS process has published and
 * committed. It keeps the writer from publishing one raw message twice when
 * the consumer reads it twice: after the member was dropped from its group
 * (a flush outlived the session timeout) and re-joined, the consumer resumes
 * from the last committed offset, while copies read before, or a flush of them
 * still in flight, are in the writer's hands. `unpublished` keeps one copy of
 * each offset not yet committed; `commitOffsets` says how far a flush commits.
 */
export class OffsetLedger {
  private readonly committed = new Map<string, bigint>();

  /** The items not yet published, first copy of each (topic, partition, offset), in order. */
  unpublished<T extends ReadPosition>(items: readonly T[]): T[] {
    const seen = new Set<string>();
    return items.filter((item) => {
      const key = `${item.topic}:${item.partition}:${item.offset}`;
      if (seen.has(key)) return false;
      seen.add(key);
      const committed = this.committed.get(`${item.topic}:${item.partition}`);
      return committed === undefined || BigInt(item.offset) >= committed;
    });
  }

  /** The offsets a flush of `items` commits: per partition, its highest offset + 1. */
  commitOffsets(items: readonly ReadPosition[]): TopicPartitionOffset[] {
    const next = new Map<string, { topic: string; partition: number; offset: bigint }>();
    for (const { topic, partition, offset } of items) {
      const key = `${topic}:${partition}`;
      const after = BigInt(offset) + 1n;
      const known = next.get(key);
      if (!known || after > known.offset) next.set(key, { topic, partition, offset: after });
    }
    return [...next.values()].map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset.toString() }));
  }

  /** Record a flush's committed offsets. */
  record(offsets: readonly TopicPartitionOffset[]): void {
    for (const { topic, partition, offset } of offsets) {
      const key = `${topic}:${partition}`;
      const value = BigInt(offset);
      if ((this.committed.get(key) ?? -1n) < value) this.committed.set(key, value);
    }
  }

  /** Forget a partition this process no longer owns (its next owner's commits are not ours to know). */
  forget(topic: string, partition: number): void {
    this.committed.delete(`${topic}:${partition}`);
  }
}
