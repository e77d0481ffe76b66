/**
 * npm run bench:rebuild [--label TEXT] [--metrics URL] [--out DIR] [--timeout-s 600]
 *
 * What happens when Redis loses the live window: against a running pipeline
 * (npm run up) whose window holds events (run `npm run bench -- --profile a`
 * first), it snapshots the bench tenants' live minutes, stops the aggregator,
 * deletes every `live:*` key, starts the aggregator again (scripts/pipeline up)
 * and waits until the rebuilt minutes equal the snapshot (exit 1 if they never
 * do, or stop being equal within 10 s: a rebuild must count every event once). Reports the rebuild time and
 * rate, and the aggregator's peak RSS (VmHWM) and CPU seconds.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { z } from 'zod';
import { createRedis, isAlive as alive, parseEnv, redisEnv, scanKeys } from '@cdnlog/common';
import { arg } from './cli-args';
import { liveMinutes } from './measure/drain';
import { pidOf, sampleProcess } from './measure/proc-stats';
import { writeRebuildReport } from './report/write-rebuild-report';

type Minutes = Map<string, number>;

/** The bench tenants' read key (config/tenants.sample.json). */
const READ_KEY = 'bench-read-key';

async function main(): Promise<void> {
  const metricsUrl = arg('metrics', 'http://127.0.0.1:8081');
  const out = arg('out', join(__dirname, '..', 'results'));
  const timeoutMs = Number(arg('timeout-s', '600')) * 1000;
  const root = join(__dirname, '..', '..');
  const stackDir = process.env.STACK_DIR ?? join(root, '.stack');
  const config = parseEnv(z.object({ ...redisEnv, LIVE_WINDOW_MINUTES: z.coerce.number().int().positive().default(15) }));
  const log = (line: string) => process.stdout.write(`bench:rebuild: ${line}\n`);

  const before = await liveMinutes(metricsUrl, READ_KEY);
  const events = sum(before);
  if (events === 0) throw new Error('the live window holds no bench events: run `npm run bench -- --profile a` first');
  log(`${events} bench events in ${before.size} tenant-minutes of the live window`);

  const oldPid = runningAggregator(stackDir);
  if (oldPid === undefined) throw new Error(`no aggregator running (${join(stackDir, 'run', 'aggregator.pid')}): start the pipeline with npm run up`);
  const deadline = Date.now() + timeoutMs;
  process.kill(oldPid, 'SIGTERM');
  await until(() => !alive(oldPid), deadline, 'the aggregator to stop');
  const redis = createRedis(config);
  // A cluster client knows its nodes only once it is ready.
  if (redis.status !== 'ready') await new Promise((resolve, reject) => redis.once('ready', resolve).once('error', reject));
  let deleted = 0;
  for (const key of await scanKeys(redis, 'live:*')) deleted += await redis.unlink(key);
  await redis.quit();
  if (deleted === 0) throw new Error('no live:* key found in Redis: nothing to rebuild (is REDIS_URL / REDIS_CLUSTER_NODES the pipeline\'s?)');
  log(`aggregator stopped, ${deleted} live keys deleted; starting it again`);

  const up = spawn('bash', [join(root, 'scripts', 'pipeline'), 'up'], { stdio: 'ignore' });
  let upFailed: string | undefined;
  const upDone = new Promise<void>((resolve) => {
    up.once('exit', (code) => {
      if (code !== 0) upFailed = `scripts/pipeline up exited with ${code}`;
      resolve();
    });
    up.once('error', (err) => {
      upFailed = err.message;
      resolve();
    });
  });
  let pid: number | undefined;
  await until(() => upFailed !== undefined || ((pid = runningAggregator(stackDir)) !== undefined && pid !== oldPid), deadline, 'the aggregator to start');
  if (upFailed !== undefined || pid === undefined) throw new Error(upFailed ?? 'the aggregator did not start');
  const startedAt = Date.now();
  let peakRssMb = 0;
  const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, sampleProcess(pid!)?.hwmMb ?? 0)), 250);

  // Minutes that leave the window meanwhile are not compared. Once every minute is equal, they must
  // stay equal for SETTLE_MS (a second replay of some partition would count its events again).
  let mismatched = before.size;
  let compared = 0;
  let equalAt: number | undefined;
  while (Date.now() < deadline) {
    await sleep(500);
    const now = await liveMinutes(metricsUrl, READ_KEY).catch(() => undefined);
    if (!now) continue;
    const windowStart = Math.floor(Date.now() / 60_000) * 60_000 - (config.LIVE_WINDOW_MINUTES - 1) * 60_000;
    const kept = [...before].filter(([key]) => Number(key.split('|')[1]) >= windowStart);
    mismatched = kept.filter(([key, n]) => now.get(key) !== n).length;
    compared = kept.reduce((a, [, n]) => a + n, 0);
    if (mismatched > 0 && equalAt !== undefined) break; // it moved past equality: counted twice
    if (mismatched === 0) equalAt ??= Date.now();
    if (equalAt !== undefined && Date.now() - equalAt >= SETTLE_MS) break;
  }
  const seconds = ((equalAt ?? Date.now()) - startedAt) / 1000;
  clearInterval(sampler);
  await upDone;
  const after = sampleProcess(pid);
  peakRssMb = Math.max(peakRssMb, after?.hwmMb ?? 0);

  const report = {
    label: arg('label', ''), startedAt: new Date(startedAt).toISOString(), events, comparedEvents: compared, exact: mismatched === 0 && compared > 0, seconds,
    eventsPerSecond: Math.round(compared / seconds), peakRssMb, rssAfterMb: after?.rssMb ?? 0, cpuSeconds: after?.cpuSeconds ?? 0, liveKeysDeleted: deleted,
  };
  const file = writeRebuildReport(out, report);
  log(`report: ${file}`);
  log(`rebuilt ${compared} events in ${seconds} s (${report.eventsPerSecond} ev/s), peak RSS ${peakRssMb} MB, exact ${report.exact}`);
  if (!report.exact) {
    log(`LOST OR DOUBLE-COUNTED: ${mismatched} tenant-minutes differ from before the rebuild (${compared} events compared)`);
    process.exit(1);
  }
}

function sum(minutes: Minutes): number {
  let total = 0;
  for (const n of minutes.values()) total += n;
  return total;
}

/** The aggregator's pid, if it runs. */
function runningAggregator(stackDir: string): number | undefined {
  const pid = pidOf(stackDir, 'aggregator');
  return pid !== undefined && alive(pid) ? pid : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long the rebuilt minutes must stay equal to the snapshot. */
const SETTLE_MS = 10_000;

async function until(done: () => boolean, deadline: number, what: string): Promise<void> {
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

main().catch((err) => {
  process.stderr.write(`bench:rebuild failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
