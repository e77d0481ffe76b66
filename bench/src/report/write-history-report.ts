import { json, machine as thisMachine, writeResultFiles } from './results';

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

/** `runs/<time>-history.{json,md}` and `latest-history.*` in `dir`; returns the dated Markdown path. */
export function writeHistoryReport(dir: string, report: HistoryReport): string {
  const machine = thisMachine();
  const rows = report.queries.map((q) => `| ${q.label} | ${q.buckets} | ${q.requestsTotal} | ${q.p50Ms} | ${q.p95Ms} | ${q.maxMs} |`).join('\n');
  return writeResultFiles(dir, 'history', report.startedAt, {
    json: json({ ...report, machine }),
    md: `# History benchmark — ${report.startedAt}

Tenant \`${report.tenant}\`: ${report.perMinute} events in every minute of ${report.days} days (${report.events} events), seeded through
the raw topic, enricher and rollup scheduler in ${report.seedSeconds} s. Each query ran ${report.repeat} times through the
metrics API, past its cache. Machine: ${machine.cpus} CPUs, ${machine.memoryGb} GB, Node ${machine.node}; everything co-located.

| query | buckets | requests total | p50 ms | p95 ms | max ms |
|---|---|---|---|---|---|
${rows}
`,
  });
}
