/**
 * The enricher process killed mid-stream, ClickHouse stopped for 30 s
 * mid-stream, the enricher frozen past its session timeout with events
 * buffered: afterwards the distinct rows, the rollups and the enriched topic
 * all hold exactly N, with nothing lost and nothing doubled.
 */
import type { EnrichedEvent } from '@cdnlog/common';
import { runStack, stopComponent } from '@cdnlog/common/testing';
import { enricherTestbed } from './harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function expectExactly(bed: Awaited<ReturnType<typeof enricherTestbed>>, enriched: EnrichedEvent[], n: number) {
  await bed.waitFor(() => bed.distinctRows(), (x) => x === n, { what: `${n} distinct rows`, timeoutMs: 90_000 });
  await bed.waitFor(() => bed.rollupRequests(), (x) => x === n, { what: `rollups totalling ${n}`, timeoutMs: 30_000 });
  await bed.waitFor(async () => enriched.length, (x) => x >= n, { what: `${n} enriched events`, timeoutMs: 30_000 });
  await sleep(2000);
  expect(enriched).toHaveLength(n);
  expect(new Set(enriched.map((e) => e.eventId)).size).toBe(n);
}

describe('enricher failures', () => {
  it('SIGKILL in the middle of a stream, restart: exactly N rows, rollups and enriched messages', async () => {
    const bed = await enricherTestbed('crash', { FLUSH_MAX_ROWS: '200', FLUSH_MAX_WAIT_MS: '300' });
    try {
      const enriched = (await bed.collectEnriched()).events;
      const N = 3000;
      const events = bed.events(N);
      let child = bed.spawnEnricher(19_311);
      for (let chunk = 0; chunk < 30; chunk++) {
        await bed.produce(events.slice(chunk * 100, chunk * 100 + 100));
        if (chunk === 12) {
          await bed.waitFor(() => bed.distinctRows(), (x) => x > 0, { what: 'the first flush', timeoutMs: 60_000 });
          child.kill('SIGKILL');
          await new Promise((r) => child.once('exit', r));
          child = bed.spawnEnricher(19_312);
        }
        await sleep(50);
      }
      await expectExactly(bed, enriched, N);
      expect(child.exitCode).toBeNull();
    } finally {
      await bed.cleanup();
    }
  }, 180_000);

  it('ClickHouse stopped for 30 s during a stream: the enricher waits, resumes by itself, counts exact', async () => {
    const bed = await enricherTestbed('chdown', { FLUSH_MAX_ROWS: '300', FLUSH_MAX_WAIT_MS: '300' });
    try {
      const enriched = (await bed.collectEnriched()).events;
      const N = 2000;
      const events = bed.events(N);
      const child = bed.spawnEnricher(19_313);
      await bed.produce(events.slice(0, 800));
      await bed.waitFor(() => bed.distinctRows(), (x) => x === 800, { what: 'the first 800 rows', timeoutMs: 60_000 });

      await stopComponent('clickhouse');
      await bed.produce(events.slice(800));
      await sleep(30_000);
      expect(child.exitCode).toBeNull(); // still running, retrying

      const up = await runStack('up');
      expect(up.status).toBe(0);
      expect(up.stderr).toContain('stack: starting clickhouse');
      await expectExactly(bed, enriched, N);
      expect(child.exitCode).toBeNull();
    } finally {
      await bed.cleanup();
    }
  }, 240_000);

  it('frozen (SIGSTOP) past the session timeout with events buffered: the group drops it, it re-joins and re-reads, publishes each event once', async () => {
    const bed = await enricherTestbed('frozen', { FLUSH_MAX_ROWS: '5000', FLUSH_MAX_WAIT_MS: '3000' });
    try {
      const enriched = (await bed.collectEnriched()).events;
      const N = 1500;
      const events = bed.events(N);
      const child = bed.spawnEnricher(19_314);
      await bed.produce(events.slice(0, 600));
      const consumed = async () => {
        const text = await (await fetch('http://127.0.0.1:19314/metrics')).text().catch(() => '');
        return Number(/^cdnlog_enricher_events_total\{outcome="enriched",service="enricher"\} (\d+)$/m.exec(text)?.[1] ?? 0);
      };
      await bed.waitFor(consumed, (x) => x === 600, { what: '600 events read and buffered', timeoutMs: 60_000 });
      expect(await bed.distinctRows()).toBe(0); // buffered, not flushed yet (3 s age)

      child.kill('SIGSTOP'); // no heartbeat for 10 s > 6 s session: the coordinator drops the member
      await sleep(10_000);
      child.kill('SIGCONT');
      await bed.produce(events.slice(600));
      await expectExactly(bed, enriched, N);
      expect(child.exitCode).toBeNull();
    } finally {
      await bed.cleanup();
    }
  }, 180_000);
});

