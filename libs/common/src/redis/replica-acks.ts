import { masterNodes, type RedisClient } from './client';

/**
 * Redis replicates asynchronously: a master that dies takes with it the writes its replica had
 * not received yet, and the replica promoted in its place never had them. A consumer that
 * committed its Kafka offsets after such writes would not apply them again, so the live view
 * would stay short. WAIT blocks until `minAcks` replicas acknowledged every write this client's
 * connection made to a master; a consumer calls this before its offsets are committed.
 *
 * Fewer acknowledgements within `timeoutMs` (a replica down, or none since a failover) throws a
 * NOREPLICAS error, transient like Redis's own: the batch is retried, and the partition shows as
 * stuck until the master has a replica again.
 */
export async function awaitReplicaAcks(client: RedisClient, minAcks: number, timeoutMs: number): Promise<void> {
  if (minAcks <= 0) return;
  await Promise.all(
    masterNodes(client).map(async (node) => {
      const acked = await node.wait(minAcks, timeoutMs);
      if (acked < minAcks) {
        throw new Error(
          `NOREPLICAS Redis ${node.options.host}:${node.options.port} has ${acked} of the ${minAcks} replica acknowledgement(s) REDIS_MIN_REPLICA_ACKS asks for (waited ${timeoutMs} ms)`,
        );
      }
    }),
  );
}
