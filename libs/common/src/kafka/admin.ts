import { Kafka, logLevel } from 'kafkajs';

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
        // kafkajs's own wait gives up on UNKNOWN_TOPIC_OR_PARTITION, which a broker that has not yet
        // learnt of a new topic answers; knownEverywhere waits for every broker instead.
        waitForLeaders: false,
        // One tenant's batch is one record batch on one partition: allow up to 8 MB (the default is 1 MB).
        topics: missing.map((topic) => ({ topic, numPartitions, replicationFactor, configEntries: [{ name: 'max.message.bytes', value: String(8 * 1024 * 1024) }] })),
      });
      await knownEverywhere(admin, missing);
    }
    return missing;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Wait until every broker of the cluster answers metadata for `topics` with a leader for each
 * partition, so the next client to ask any broker finds them. Each broker is asked through a
 * client of its own, seeded with that broker alone (metadata comes from the seed).
 */
async function knownEverywhere(admin: ReturnType<Kafka['admin']>, topics: string[], timeoutMs = 30_000): Promise<void> {
  const { brokers } = await admin.describeCluster();
  const deadline = Date.now() + timeoutMs;
  for (const broker of brokers) {
    const one = new Kafka({ brokers: [`${broker.host}:${broker.port}`], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    await one.connect();
    try {
      for (;;) {
        const known = await one
          .fetchTopicMetadata({ topics })
          .then((m) => m.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)))
          .catch(() => false);
        if (known) break;
        if (Date.now() > deadline) throw new Error(`broker ${broker.nodeId} does not know topics ${topics.join(', ')} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await one.disconnect();
    }
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
