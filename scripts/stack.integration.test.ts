/**
 * The stack manager against the test stack that scripts/test started:
 * after a crash of one component, `stack up` restarts only that one.
 */
import { isAlive as alive } from '@cdnlog/common';
import { runStack, stackPid as pid } from '@cdnlog/common/testing';

describe('scripts/stack', () => {
  it('status reports every component running and answering', async () => {
    const { stdout: out, status } = await runStack('status');
    expect(status).toBe(0);
    expect(out).toMatch(/^kafka\s+running\s+pid \d+\s+port \d+\s+answering$/m);
    expect(out).toMatch(/^clickhouse\s+running\s+pid \d+\s+port \d+\s+answering$/m);
    expect(out).toMatch(/^redis\s+running\s+pid \d+\s+port \d+\s+answering$/m);
  });

  it('after Redis crashes, up restarts Redis only and reuses Kafka and ClickHouse', async () => {
    const before = { kafka: pid('kafka'), clickhouse: pid('clickhouse'), redis: pid('redis') };
    process.kill(before.redis, 'SIGKILL');
    for (let i = 0; i < 50 && alive(before.redis); i++) await new Promise((r) => setTimeout(r, 100));
    expect(alive(before.redis)).toBe(false);

    const down = await runStack('status');
    expect(down.status).toBe(3);
    expect(down.stdout).toMatch(/^redis\s+stopped$/m);

    const up = await runStack('up');
    expect(up.status).toBe(0);
    expect(up.stderr).toContain(`stack: kafka already running (pid ${before.kafka}), reusing it`);
    expect(up.stderr).toContain(`stack: clickhouse already running (pid ${before.clickhouse}), reusing it`);
    expect(up.stderr).toContain('stack: starting redis on 127.0.0.1:');
    expect(up.stderr).toContain('migrations applied now [], already [1, 2]');
    const after = { kafka: pid('kafka'), clickhouse: pid('clickhouse'), redis: pid('redis') };
    expect(after.kafka).toBe(before.kafka);
    expect(after.clickhouse).toBe(before.clickhouse);
    expect(after.redis).not.toBe(before.redis);
    expect(alive(after.redis)).toBe(true);
    expect((await runStack('status')).stdout).toMatch(/^redis\s+running\s+pid \d+\s+port \d+\s+answering$/m);
  }, 120_000);
});
