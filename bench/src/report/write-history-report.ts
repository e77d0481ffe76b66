import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export interface HistoryReport {
  startedAt: string;
  tenant: string;
  days: number;
  perMinute: number;
  events: number;
  seedSeconds: number;
  repeat: number;
  queries: Array<{ label: string; buckets: number; requestsTotal: number; p50Ms: number; p95Ms: number; maxMs: number }>;
}

/** `history-<time>.json` and `.md` in `dir`; returns the Markdown path. */
export function writeHistoryReport(dir: string, report: HistoryReport): string {
  mkdirSync(dir, { recursive: true });
  const machine = { cpus: cpus().length, memoryGb: Math.round(totalmem() / 1024 ** 3), node: process.version };
  const base = join(dir, `history-${report.startedAt.replace(/[:.]/g, '-')}`);
  writeFileSync(`${base}.json`, `${JSON.stringify({ ...report, machine }, null, 2)}\n`);
  const rows = report.queries.map((q) => `| ${q.label} | ${q.buckets} | ${q.requestsTotal} | ${q.p50Ms} | ${q.p95Ms} | ${q.maxMs} |`).join('\n');
  writeFileSync(
    `${base}.md`,
    `# History benchmark — ${report.startedAt}

Tenant \`${report.tenant}\`: ${report.perMinute} events in every minute of ${report.days} days (${report.events} events), seeded through
the raw topic, enricher and rollup scheduler in ${report.seedSeconds} s. Each query ran ${report.repeat} times through the
metrics API, past its cache. Machine: ${machine.cpus} CPUs, ${machine.memoryGb} GB, Node ${machine.node}; everything co-located.

| query | buckets | requests total | p50 ms | p95 ms | max ms |
|---|---|---|---|---|---|
${rows}
`,
  );
  return `${base}.md`;
}
