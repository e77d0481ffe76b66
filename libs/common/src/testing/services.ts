import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';

export type ServiceName = 'ingest-api' | 'enricher' | 'aggregator' | 'metrics-api';

/**
 * Start a built service (services/<name>/dist/main.js) as its own process, with
 * the test's environment on top. Its JSON log (stdout) is dropped unless
 * TEST_SERVICE_LOG_DIR names a directory: then it goes to <name>-<n>.log there.
 */
export function spawnService(name: ServiceName, env: Record<string, string>): ChildProcess {
  const logDir = process.env.TEST_SERVICE_LOG_DIR;
  let stdout: 'ignore' | number = 'ignore';
  if (logDir) {
    mkdirSync(logDir, { recursive: true });
    stdout = openSync(join(logDir, `${name}-${Date.now()}-${++spawned}.log`), 'a');
  }
  return spawn(process.execPath, [join(__dirname, '..', '..', '..', '..', 'services', name, 'dist', 'main.js')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', stdout, 'inherit'],
  });
}
let spawned = 0;

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
