/**
 * Where things live on the cluster test stack (STACK_TOPOLOGY=cluster, scripts/stack.d/env.sh):
 * which broker leads a partition, which Redis master holds a tenant's keys, which ClickHouse
 * shard a tenant's rows go to, each named as the stack's process (`kafka-2`, `redis-5`…).
 */
import { type ClickHouseClient, redisKeys, stringLiteral } from '@cdnlog/common';
import { type StackComponent, stackConfig } from '@cdnlog/common/testing';
import { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';

/** The partition of `topic` with the most messages, and the stack process of the broker leading it (node.id N is kafka-N). */
export async function busiestPartition(kafka: Kafka, topic: string): Promise<{ partition: number; messages: number; leader: StackComponent }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const busiest = offsets.map((o) => ({ partition: o.partition, messages: Number(o.high) - Number(o.low) })).sort((a, b) => b.messages - a.messages)[0]!;
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    const leader = metadata.topics[0]!.partitions.find((p) => p.partitionId === busiest.partition)!.leader;
    return { ...busiest, leader: `kafka-${leader}` };
  } finally {
    await admin.disconnect();
  }
}

/** REDIS_CLUSTER_NODES in stack order: entry i is redis-(i+1). */
function redisPorts(): number[] {
  return (stackConfig().REDIS_CLUSTER_NODES ?? []).map((entry) => Number(entry.slice(entry.lastIndexOf(':') + 1)));
}

/** Ask one node directly (not through a cluster client, which would follow redirects). */
async function askNode<T>(port: number, ask: (node: Redis) => Promise<T>): Promise<T> {
  const node = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await node.connect();
    return await ask(node);
  } finally {
    node.disconnect();
  }
}

/** The stack process of the master serving `tenant`'s live-window slot, asked of any node that answers. */
export async function redisMasterOf(tenant: string, exceptPort?: number): Promise<{ component: StackComponent; port: number }> {
  const ports = redisPorts();
  for (const port of ports.filter((p) => p !== exceptPort)) {
    try {
      const owner = await askNode(port, async (node) => {
        const slot = Number(await node.call('CLUSTER', 'KEYSLOT', redisKeys.live.counters(tenant, 0)));
        const ranges = (await node.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number, ...unknown[]], ...unknown[]]>;
        return ranges.find(([from, to]) => slot >= from && slot <= to)![2][1];
      });
      return { component: `redis-${ports.indexOf(owner) + 1}`, port: owner };
    } catch {
      // that node is down: ask the next
    }
  }
  throw new Error('no Redis node answered CLUSTER SLOTS');
}

/** Each node's role and, for a replica, whether its link to the master is up (INFO replication). */
export async function redisRoles(): Promise<Array<{ port: number; role: string; linkUp: boolean; clusterOk: boolean }>> {
  return Promise.all(
    redisPorts().map((port) =>
      askNode(port, async (node) => {
        const info = await node.info('replication');
        const cluster = String(await node.call('CLUSTER', 'INFO'));
        return {
          port, role: /role:(\w+)/.exec(info)?.[1] ?? '?', linkUp: !/master_link_status:down/.test(info), clusterOk: /cluster_state:ok/.test(cluster),
        };
      }).catch(() => ({ port, role: 'down', linkUp: false, clusterOk: false })),
    ),
  );
}

/** The ClickHouse shard (1-based, clickhouse-N) the Distributed tables send `tenant`'s rows to: cityHash64(customer_id) over the shards. */
export async function shardOf(clickhouse: ClickHouseClient, tenant: string, shards = 2): Promise<number> {
  const rs = await clickhouse.query({ query: `SELECT cityHash64(${stringLiteral(tenant)}) % ${shards} + 1 AS shard`, format: 'JSONEachRow' });
  return Number((await rs.json<{ shard: string | number }>())[0]!.shard);
}
