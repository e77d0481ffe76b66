/**
 * A graceful stop while another instance of the group keeps running (a rolling
 * deploy). The stopping instance must commit its last flush while it still owns
 * its partitions and only then leave; the instance that takes them over starts
 * after that commit and publishes nothing a second time. ClickHouse is frozen
 * for 9 s during the stop so that the last flush outlasts a session timeout.
 * (On this broker the other member did not re-read within those 9 s even when
 * the stopping one left first, so the test guards the outcome, exactly N
 * events once, rather than proving the order.)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { stackPid, testLogger } from '@cdnlog/common/testing';
import { createEnricher } from '../src/create-enricher';
import { enricherTestbed } from './harness';

const PARTITIONS = [0, 1, 2];

it('the stopping instance commits its buffered events before it leaves: the other one takes over without publishing them again', async () => {
  const bed = await enricherTestbed('handover', { FLUSH_MAX_ROWS: '100000', FLUSH_MAX_WAIT_MS: '120000' });
  const raw = bed.env.KAFKA_TOPIC_RAW!;
  const a = await createEnricher(bed.config, testLogger('enricher-a'));
  const b = await createEnricher(bed.config, testLogger('enricher-b'));
  const clickhouse = stackPid('clickhouse');
  let bStopped = false;
  try {
    const enriched = (await bed.collectEnriched()).events;
    await a.start();
    await b.start();
    const owned = (e: typeof a) => PARTITIONS.filter((p) => e.consumer.isAssigned(raw, p)).length;
    await bed.waitFor(async () => [owned(a), owned(b)], ([x, y]) => x! >= 1 && y! >= 1 && x! + y! === 3, { what: 'the partitions split between both', timeoutMs: 60_000 });

    const N = 900;
    await bed.produce(bed.events(N));
    await bed.waitFor(async () => a.writer.size + b.writer.size, (n) => n === N, { what: `all ${N} events buffered (no flush yet)`, timeoutMs: 60_000 });
    const [leaving, staying] = a.writer.size >= b.writer.size ? [a, b] : [b, a];
    expect(leaving.writer.size).toBeGreaterThan(0);

    process.kill(clickhouse, 'SIGSTOP');
    let stopping: Promise<void>;
    try {
      stopping = leaving.stop();
      await sleep(9000); // longer than the 6 s session: the stopping member must keep heartbeating while paused
    } finally {
      process.kill(clickhouse, 'SIGCONT');
    }
    await stopping;

    await bed.waitFor(async () => owned(staying), (n) => n === 3, { what: 'the staying instance owning every partition', timeoutMs: 30_000 });
    await sleep(1000); // let it fetch whatever it would read on the partitions it took over
    await staying.writer.flush();
    await bed.waitFor(() => bed.distinctRows(), (n) => n === N, { what: `${N} rows`, timeoutMs: 30_000 });
    await bed.waitFor(async () => enriched.length, (n) => n >= N, { what: `${N} enriched events`, timeoutMs: 30_000 });
    await sleep(1500); // nothing more may arrive
    expect(enriched).toHaveLength(N);
    expect(new Set(enriched.map((e) => e.eventId)).size).toBe(N);

    await staying.stop();
    bStopped = true;
  } finally {
    process.kill(clickhouse, 'SIGCONT');
    if (!bStopped) await Promise.allSettled([a.stop(), b.stop()]);
    await bed.cleanup();
  }
}, 150_000);
