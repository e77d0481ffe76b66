import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Ceiling {
  recordsPerSecond: number;
  mbPerSecond: number;
  p99Ms: number;
  line: string;
}

/**
 * The broker's own ceiling in the same run: Kafka's ProducerPerformance tool,
 * same record size, acks=all, into a scratch topic on the same broker.
 */
export function measureCeiling(opts: { brokers: string; topic: string; records: number; recordSize: number }): Ceiling | null {
  const jars = join(process.env.STACK_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cdnlog'), `kafka-${process.env.KAFKA_VERSION ?? '3.9.1'}`, 'libs', '*');
  const run = spawnSync(
    'java',
    ['-Xmx512m', '-cp', jars, 'org.apache.kafka.tools.ProducerPerformance', '--topic', opts.topic, '--num-records', String(opts.records),
      '--record-size', String(opts.recordSize), '--throughput', '-1', '--producer-props', `bootstrap.servers=${opts.brokers}`, 'acks=all'],
    { encoding: 'utf8', timeout: 300_000 },
  );
  const line = run.stdout.split('\n').filter((l) => l.includes('records sent')).pop();
  const m = line && /([\d.]+) records\/sec \(([\d.]+) MB\/sec\).* ([\d.]+) ms 99th/.exec(line);
  if (!m) return null;
  return { recordsPerSecond: Math.round(Number(m[1])), mbPerSecond: Number(m[2]), p99Ms: Number(m[3]), line: line!.trim() };
}
