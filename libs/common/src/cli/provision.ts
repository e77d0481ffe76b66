/**
 * Provision a running stack for the pipeline: wait until Kafka, ClickHouse and
 * Redis answer a real request, create the topics, apply the ClickHouse
 * migrations. Idempotent. Called by `scripts/stack up`; reads the same
 * environment variables as the services.
 *
 *   node libs/common/dist/cli/provision.js
 */
import { z } from 'zod';
import { parseEnv, ConfigError } from '../config/env';
import { clickhouseEnv, kafkaEnv, redisEnv } from '../config/shared';
import { createKafka } from '../kafka/client';
import { ensureTopics } from '../kafka/admin';
import { topicsFromConfig } from '../kafka/topics';
import { createClickHouse, clickhouseReachable } from '../clickhouse/client';
import { migrate } from '../clickhouse/migrations/runner';
import { tablesFor } from '../clickhouse/tables';
import { createRedis, redisReachable } from '../redis/client';
import { createLogger } from '../logging/logger';

const schema = z.object({ ...kafkaEnv, ...clickhouseEnv, ...redisEnv });

async function retry<T>(what: string, fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await fn();
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new Error(`${what} did not answer within ${timeoutMs / 1000}s: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
}

async function main(): Promise<void> {
  const config = parseEnv(schema);
  const logger = createLogger('provision', 'warn');
  const out = (line: string) => process.stdout.write(`${line}\n`);

  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'cdnlog-provision', logger });
  const topics = topicsFromConfig(config);
  const created = await retry(
    'Kafka',
    () => ensureTopics(kafka, [topics.raw, topics.enriched, topics.dlq], config.KAFKA_TOPIC_PARTITIONS, config.KAFKA_REPLICATION_FACTOR),
    90_000,
  );
  out(`kafka      ok: topics ${[topics.raw, topics.enriched, topics.dlq].join(', ')} (created: ${created.length ? created.join(', ') : 'none'})`);

  const ch = createClickHouse(config);
  await retry('ClickHouse', async () => {
    if (!(await clickhouseReachable(ch))) throw new Error('SELECT 1 failed');
  }, 60_000);
  const result = await migrate(ch, { tables: tablesFor(config.CLICKHOUSE_DATABASE), mode: config.CLICKHOUSE_SCHEMA_MODE, cluster: config.CLICKHOUSE_CLUSTER });
  out(`clickhouse ok: database ${config.CLICKHOUSE_DATABASE}, migrations applied now [${result.applied.join(', ')}], already [${result.alreadyApplied.join(', ')}]`);
  await ch.close();

  const redis = createRedis(config, { lazyConnect: true });
  await retry('Redis', async () => {
    if (!(await redisReachable(redis))) throw new Error('PING failed');
  }, 30_000);
  out('redis      ok: PING answered');
  redis.disconnect();
}

main().catch((err) => {
  process.stderr.write(`provision failed: ${err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
