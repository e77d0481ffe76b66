/**
 * The pipeline on the cluster topology (three Kafka brokers, a Redis Cluster of three masters
 * with a replica each, two ClickHouse shards), with a fault injected under steady load. Each
 * scenario has a tenant of its own and ends with exact counts: every event the load saw
 * accepted is in ClickHouse once and in the live view once. Run by `npm run test:cluster`.
 */
import { type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClickHouseClient, createClickHouse, createKafka, sha256Hex, tablesFor } from '@cdnlog/common';
import { runStack, spawnService, stackConfig, stackPid, stopComponent, testLogger, uniquePrefix, waitFor } from '@cdnlog/common/testing';
import { type Pipeline, startPipeline } from '../e2e/start-pipeline';
import { busiestPartition, redisMasterOf, redisRoles, shardOf } from './cluster-topology';
import { settledCounts } from './exact-counts';
import { counterByLabel, increase } from './service-metrics';
import { type LoadTally, startSteadyLoad } from './steady-load';

const prefix = uniquePrefix('cluster');
const registryPath = join(tmpdir(), `${prefix}-tenants.json`);
const SCENARIOS = ['broker', 'redis', 'shard', 'rebalance'] as const;
type Scenario = (typeof SCENARIOS)[number];
const tenants = {} as Record<Scenario, string>;
let pipeline: Pipeline;
let clickhouse: ClickHouseClient;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  clickhouse = createClickHouse(stackConfig());
  for (const scenario of SCENARIOS) tenants[scenario] = `${prefix}-${scenario}`;
  // The shard test stops clickhouse-2, the server the services do not talk to: its tenant's rows go there
  // through the Distributed table on clickhouse-1.
  for (let i = 0; (await shardOf(clickhouse, tenants.shard)) !== 2; i++) tenants.shard = `${prefix}-shard${i}`;
  const limits = { eventsPerSecond: 50_000, eventBurst: 100_000 };
  writeFileSync(registryPath, JSON.stringify({
    tenants: SCENARIOS.map((s) => ({ id: tenants[s], ingestKeySha256: [sha256Hex(`${s}-ingest`)], readKeySha256: [sha256Hex(`${s}-read`)], limits })),
  }));
  pipeline = await startPipeline(prefix, 19_471, { TENANT_REGISTRY_PATH: registryPath });
}, 180_000);

afterAll(async () => {
  await pipeline?.stop();
  await clickhouse?.close();
});

/** What the consumers retried: failed enricher flush steps by stage, failed aggregator batches. */
async function consumerRetries() {
  return {
    enricher: await counterByLabel(pipeline.ports.enricher, 'cdnlog_enricher_flush_errors_total', 'stage'),
    aggregator: await counterByLabel(pipeline.ports.aggregator, 'cdnlog_consumer_handler_errors_total'),
  };
}

/**
 * Steady load on the scenario's tenant; `fault` runs after a few seconds of it and returns what it
 * observed; the load goes on a few seconds more, stops, and the counts must settle exactly.
 * Resolves with what the consumers retried meanwhile.
 */
async function underLoad(scenario: Scenario, fault: () => Promise<Record<string, unknown>>) {
  const tenant = tenants[scenario];
  const retriesBefore = await consumerRetries();
  const load = startSteadyLoad({ ingestUrl: pipeline.urls.ingest, tenant, ingestKey: `${scenario}-ingest`, keyPrefix: `${prefix}-${scenario}` });
  let tally: LoadTally;
  let observed: Record<string, unknown>;
  try {
    await sleep(8_000);
    observed = await fault();
    await sleep(8_000);
  } finally {
    tally = await load.stop();
  }
  const counts = await settledCounts({
    clickhouse, tables: tablesFor(pipeline.env.CLICKHOUSE_DATABASE!), tenant, metricsUrl: pipeline.urls.metrics, readKey: `${scenario}-read`,
    accepted: tally.accepted, timeoutMs: 180_000,
  });
  const retriesAfter = await consumerRetries();
  const retried = {
    enricherFlushSteps: increase(retriesBefore.enricher, retriesAfter.enricher), aggregatorBatches: increase(retriesBefore.aggregator, retriesAfter.aggregator)[''] ?? 0,
  };
  console.log(
    [
      `cluster fault "${scenario}" (tenant ${tenant})`,
      `  fault: ${JSON.stringify(observed)}`,
      `  load: ${tally.batches} batches; attempts retried by answer: ${JSON.stringify(tally.retried)}`,
      `  consumers retried: ${JSON.stringify(retried)}`,
      `  accepted ${tally.accepted} | ClickHouse ${counts.clickhouse} (rows stored ${counts.clickhouseStored}) | live ${counts.live}`,
    ].join('\n'),
  );
  expect(tally.accepted).toBeGreaterThan(0);
  expect({ clickhouse: counts.clickhouse, live: counts.live }).toEqual({ clickhouse: tally.accepted, live: tally.accepted });
  // Recovered, not just counted: every service ready again (no partition left stuck).
  for (const port of Object.values(pipeline.ports)) {
    await waitFor(() => fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status), (s) => s === 200, { what: `:${port} ready after the fault`, timeoutMs: 60_000 });
  }
  return retried;
}

async function restartStack(): Promise<void> {
  const up = await runStack('up');
  if (up.status !== 0) throw new Error(`scripts/stack up failed: ${up.stderr}`);
}

describe('faults on the cluster topology, under load, end with exact counts', () => {
  it('kill -9 of the broker leading the busiest raw partition, then its restart', async () => {
    await underLoad('broker', async () => {
      const kafka = createKafka({ brokers: stackConfig().KAFKA_BROKERS, clientId: `${prefix}-probe`, logger: testLogger() });
      const busiest = await busiestPartition(kafka, pipeline.env.KAFKA_TOPIC_RAW!);
      await stopComponent(busiest.leader, 10_000, 'SIGKILL');
      await sleep(15_000);
      await restartStack();
      const after = await busiestPartition(kafka, pipeline.env.KAFKA_TOPIC_RAW!);
      return { killed: busiest.leader, partition: busiest.partition, messagesBefore: busiest.messages, leaderAfterRestart: after.leader };
    });
  }, 420_000);

  it('kill -9 of the Redis master holding the tenant: its replica takes over, the old master rejoins as a replica', async () => {
    const retried = await underLoad('redis', async () => {
      const master = await redisMasterOf(tenants.redis);
      const killedAt = Date.now();
      await stopComponent(master.component, 10_000, 'SIGKILL');
      const promoted = await waitFor(() => redisMasterOf(tenants.redis, master.port), (m) => m.port !== master.port, {
        what: 'a replica promoted', timeoutMs: 60_000, intervalMs: 250,
      });
      const failoverMs = Date.now() - killedAt;
      await restartStack();
      const roles = await waitFor(redisRoles, (all) => all.every((n) => n.clusterOk && n.linkUp) && all.find((n) => n.port === master.port)?.role === 'slave', {
        what: 'the old master back as a replica, cluster ok', timeoutMs: 60_000, intervalMs: 500,
      });
      return { killed: master.component, promoted: promoted.component, failoverMs, rejoinedAs: roles.find((n) => n.port === master.port)!.role };
    });
    // The aggregator's batches failed while the slot had no master, then no replica to acknowledge (NOREPLICAS), and were retried.
    expect(retried.aggregatorBatches).toBeGreaterThan(0);
  }, 420_000);

  it('one ClickHouse shard stopped for 30 s: inserts retry, nothing lost or doubled', async () => {
    const retried = await underLoad('shard', async () => {
      await stopComponent('clickhouse-2');
      const stoppedAt = Date.now();
      await sleep(30_000);
      await restartStack();
      return { stopped: 'clickhouse-2', tenantShard: 2, stoppedMs: Date.now() - stoppedAt, restartedPid: stackPid('clickhouse-2') };
    });
    // The Distributed inserts failed while the shard was down (insert_distributed_sync) and were retried.
    expect(retried.enricherFlushSteps.insert).toBeGreaterThan(0);
  }, 420_000);

  it('a second enricher and aggregator join and leave under load (rebalances)', async () => {
    await underLoad('rebalance', async () => {
      const extra: Array<[string, ChildProcess, number]> = [
        ['enricher', spawnService('enricher', { ...pipeline.env, OPS_PORT: '19481' }), 19_481],
        ['aggregator', spawnService('aggregator', { ...pipeline.env, OPS_PORT: '19482' }), 19_482],
      ];
      for (const [, , port] of extra) {
        await waitFor(() => fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status), (s) => s === 200, { what: `second instance on :${port} ready`, timeoutMs: 60_000 });
      }
      await sleep(12_000);
      for (const [, child] of extra) child.kill('SIGTERM');
      const codes = await Promise.all(extra.map(([, child]) => (child.exitCode !== null ? child.exitCode : new Promise((r) => child.once('exit', (code) => r(code))))));
      return { joinedAndLeft: extra.map(([name]) => name), exitCodes: codes };
    });
  }, 420_000);
});
