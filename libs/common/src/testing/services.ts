import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';

export type ServiceName = 'ingest-api' | 'enricher' | 'aggregator' | 'metrics-api';

/** Start a built service (services/<name>/dist/main.js) as its own process, with the test's environment on top. */
export function spawnService(name: ServiceName, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [join(__dirname, '..', '..', '..', '..', 'services', name, 'dist', 'main.js')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** SIGKILL whatever of `children` still runs (test cleanup). */
export function killAll(children: ChildProcess[]): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** Delete a test's topics (ignores topics already gone). */
export async function deleteTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}
