import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '../lifecycle/is-alive';

/**
 * The processes of the test stack (scripts/test exports STACK_DIR), for tests
 * that stop, freeze or kill a real component and bring it back.
 */
function stackDir(): string {
  const dir = process.env.STACK_DIR;
  if (!dir) throw new Error('STACK_DIR is not set: run the suite through `npm test` (scripts/test)');
  return dir;
}

/** A process of the stack: `kafka`, or in the cluster topology `kafka-2`, `redis-5`, `zookeeper`… (scripts/stack.d/env.sh). */
export type StackComponent = 'kafka' | 'clickhouse' | 'redis' | 'zookeeper' | `${'kafka' | 'clickhouse' | 'redis'}-${number}`;

export function stackPid(component: StackComponent): number {
  return Number(readFileSync(join(stackDir(), 'run', `${component}.pid`), 'utf8').trim());
}

/**
 * `scripts/stack <command>`; resolves with exit status and output. Asynchronous
 * on purpose: a blocked event loop would stop the test's own Kafka consumers
 * from heartbeating, and their group would rebalance and redeliver.
 */
export function runStack(command: 'up' | 'down' | 'status'): Promise<{ status: number | null; stdout: string; stderr: string }> {
  stackDir();
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(__dirname, '..', '..', '..', '..', 'scripts', 'stack'), command], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** SIGTERM (or `signal`) a component and wait until it has exited. */
export async function stopComponent(component: StackComponent, timeoutMs = 60_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const pid = stackPid(component);
  process.kill(pid, signal);
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`${component} (pid ${pid}) did not stop within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
