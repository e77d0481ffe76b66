import type { Kafka } from 'kafkajs';

/**
 * Create the topics that do not exist yet (existing ones are left as they are).
 * Used by the stack provisioning and by tests; in production topics are usually
 * created by the platform, and this is a no-op there.
 */
export async function ensureTopics(kafka: Kafka, topics: string[], numPartitions: number, replicationFactor: number): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [...new Set(topics)].filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        // One tenant's batch is one record batch on one partition: allow up to 8 MB (the default is 1 MB).
        topics: missing.map((topic) => ({ topic, numPartitions, replicationFactor, configEntries: [{ name: 'max.message.bytes', value: String(8 * 1024 * 1024) }] })),
      });
    }
    return missing;
  } finally {
    await admin.disconnect();
  }
}

/** A real request to the broker: metadata for the cluster. Used by readiness checks. */
export async function brokerReachable(kafka: Kafka): Promise<boolean> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
