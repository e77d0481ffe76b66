/**
 * The stack manager against the test stack that scripts/test started:
 * after a crash of one component, `stack up` restarts only that one.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const stackDir = process.env.STACK_DIR;
const script = join(__dirname, 'stack');

function pid(component: string): number {
  return Number(readFileSync(join(stackDir!, 'run', `${component}.pid`), 'utf8').trim());
}

function alive(p: number): boolean {
  try {
    process.kill(p, 0);
    return true;
  } catch {
    return false;
  }
}

describe('scripts/stack', () => {
  beforeAll(() => {
    if (!stackDir) throw new Error('STACK_DIR is not set: run this through `npm test` (scripts/test)');
  });

  it('status reports every component running and answering', () => {
    const out = execFileSync('bash', [script, 'status'], { encoding: 'utf8' });
    expect(out).toMatch(/^kafka\s+running\s+pid \d+\s+port \d+\s+answering$/m);
    expect(out).toMatch(/^clickhouse\s+running\s+pid \d+\s+port \d+\s+answering$/m);
    expect(out).toMatch(/^redis\s+running\s+pid \d+\s+port \d+\s+answering$/m);
  });

  it('after Redis crashes, up restarts Redis only and reuses Kafka and ClickHouse', async () => {
    const before = { kafka: pid('kafka'), clickhouse: pid('clickhouse'), redis: pid('redis') };
    process.kill(before.redis, 'SIGKILL');
    for (let i = 0; i < 50 && alive(before.redis); i++) await new Promise((r) => setTimeout(r, 100));
    expect(alive(before.redis)).toBe(false);

    let status = '';
    try {
      execFileSync('bash', [script, 'status'], { encoding: 'utf8' });
    } catch (err) {
      status = (err as { stdout: string; status: number }).stdout;
      expect((err as { status: number }).status).toBe(3);
    }
    expect(status).toMatch(/^redis\s+stopped$/m);

    const up = spawnSync('bash', [script, 'up'], { encoding: 'utf8' });
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
    expect(execFileSync('bash', [script, 'status'], { encoding: 'utf8' })).toMatch(/^redis\s+running\s+pid \d+\s+port \d+\s+answering$/m);
  }, 120_000);
});
