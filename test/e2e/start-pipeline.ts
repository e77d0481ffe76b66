/**
 * Start the four built services as separate processes against the test stack,
 * with topics, consumer groups and ClickHouse database unique to `prefix`, and
 * wait until each is ready. For end-to-end tests.
 */
import type { ChildProcess } from 'node:child_process';
import { createKafka, ensureTopics } from '@cdnlog/common';
import { pipelineTestEnv, type ServiceName, spawnService, stackConfig, testLogger, waitFor } from '@cdnlog/common/testing';

export interface Pipeline {
  env: Record<string, string>;
  /** Each service's ops port (/readyz, /metrics). */
  ports: { ingest: number; enricher: number; aggregator: number; metrics: number };
  /** The two APIs. */
  urls: { ingest: string; metrics: string };
  /** Send a signal to one service's process (e.g. SIGHUP: reload the tenant registry). */
  signal(service: ServiceName, signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}

export async function startPipeline(prefix: string, firstPort: number, extraEnv: Record<string, string>): Promise<Pipeline> {
  const api = { ingest: firstPort, metrics: firstPort + 3 };
  const ports = { ingest: firstPort + 4, enricher: firstPort + 1, aggregator: firstPort + 2, metrics: firstPort + 5 };
  const env: Record<string, string> = { ...pipelineTestEnv(prefix), HISTORY_CACHE_TTL_MS: '0', ...extraEnv };
  const stack = stackConfig();
  const kafka = createKafka({ brokers: stack.KAFKA_BROKERS, clientId: `${prefix}-setup`, logger: testLogger() });
  await ensureTopics(kafka, [env.KAFKA_TOPIC_RAW!, env.KAFKA_TOPIC_ENRICHED!, env.KAFKA_TOPIC_DLQ!], 3, stack.KAFKA_REPLICATION_FACTOR);

  const byName = new Map<ServiceName, ChildProcess>();
  const start = (service: ServiceName, portEnv: Record<string, number>) =>
    byName.set(service, spawnService(service, { ...env, ...Object.fromEntries(Object.entries(portEnv).map(([k, v]) => [k, String(v)])) }));
  start('ingest-api', { PORT: api.ingest, OPS_PORT: ports.ingest });
  start('enricher', { OPS_PORT: ports.enricher });
  start('aggregator', { OPS_PORT: ports.aggregator });
  start('metrics-api', { PORT: api.metrics, OPS_PORT: ports.metrics });
  for (const port of Object.values(ports)) {
    await waitFor(() => fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status), (s) => s === 200, { what: `service on :${port} ready`, timeoutMs: 60_000 });
  }
  return {
    env,
    ports,
    urls: { ingest: `http://127.0.0.1:${api.ingest}`, metrics: `http://127.0.0.1:${api.metrics}` },
    signal(service, signal) {
      byName.get(service)!.kill(signal);
    },
    async stop() {
      const children = [...byName.values()];
      for (const child of children) child.kill('SIGTERM');
      await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    },
  };
}
