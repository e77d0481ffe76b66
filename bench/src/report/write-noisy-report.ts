import { json, machine as thisMachine, writeResultFiles } from './results';

export interface TenantRun {
  statuses: Record<string, number>;
  acceptedEvents: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** p99 (ms) of each second of the run, in order: whether a slow tail is spread out or a few bad seconds. */
  p99BySecond: number[];
}

export interface NoisyReport {
  startedAt: string;
  machine: ReturnType<typeof thisMachine>;
  /** A's seconds on each side, in `rounds` alternating quiet and noisy segments. */
  seconds: number;
  rounds: number;
  rate: number;
  batch: number;
  tenants: { a: string; b: string };
  /** B's floods in this run (`--floods`). */
  floods: string[];
  /** Tenant A alone, then while B floods. */
  quiet: TenantRun;
  noisy: TenantRun;
  /** B's answers per flood, by `<status> <error code>`. */
  flood: Record<'slowBodies' | 'keyedRequests' | 'invalidBatches' | 'historyQueries', Record<string, number>>;
  verdict: { noRefusals: boolean; p99WithinTwice: boolean; met: boolean };
}

/** The target: A gets no 429 or 5xx (nor a failed connection) while B floods, and its p99 stays within 2× the quiet run's. */
export function noisyVerdict(quiet: TenantRun, noisy: TenantRun): NoisyReport['verdict'] {
  const noRefusals = Object.keys(noisy.statuses).every((s) => s === '202');
  const p99WithinTwice = noisy.p99Ms <= 2 * Math.max(quiet.p99Ms, 1);
  return { noRefusals, p99WithinTwice, met: noRefusals && p99WithinTwice };
}

const statuses = (s: Record<string, number>) => Object.entries(s).sort().map(([k, v]) => `${k} × ${v.toLocaleString('en-US')}`).join(', ') || '–';

export function noisyMarkdown(r: NoisyReport): string {
  const row = (label: string, t: TenantRun) => `| ${label} | ${statuses(t.statuses)} | ${t.acceptedEvents.toLocaleString('en-US')} | ${t.p50Ms} / ${t.p95Ms} / ${t.p99Ms} |`;
  const flood = Object.entries(r.flood).map(([kind, counts]) => `| ${kind} | ${statuses(counts)} |`);
  return `# Noisy neighbour — ${r.startedAt}

Machine: ${r.machine.cpus} CPUs, ${r.machine.memoryGb} GB, Node ${r.machine.node}. Tenant A (\`${r.tenants.a}\`): ${r.rate.toLocaleString('en-US')} events/s in
batches of ${r.batch} for ${r.seconds} s alone and ${r.seconds} s while tenant B (\`${r.tenants.b}\`, small quotas in config/tenants.sample.json) floods
(${r.floods.join(', ')}; all: 48 slow bodies, 300 keyed requests/s, 4 batches/s of 10,000 invalid entries, 8 loops of grouped
history queries over 7 days), in ${r.rounds} alternating rounds.

| tenant A | statuses | accepted events | latency p50 / p95 / p99 ms |
|---|---|---|---|
${row('alone', r.quiet)}
${row('while B floods', r.noisy)}

A's p99 by second (ms, rounds one after the other), alone: ${r.quiet.p99BySecond.join(' ')}

A's p99 by second (ms), while B floods: ${r.noisy.p99BySecond.join(' ')}

| B's flood | answers |
|---|---|
${flood.join('\n')}

Target: A gets no 429 or 5xx (**${r.verdict.noRefusals ? 'met' : 'not met'}**) and its p99 stays within 2× of the quiet run (**${r.verdict.p99WithinTwice ? 'met' : 'not met'}**).
`;
}

/** `runs/<time>-noisy.{json,md}` and `latest-noisy.*` in `dir`; returns the dated Markdown path. */
export function writeNoisyReport(dir: string, report: Omit<NoisyReport, 'machine' | 'verdict'>): string {
  const full: NoisyReport = { ...report, machine: thisMachine(), verdict: noisyVerdict(report.quiet, report.noisy) };
  return writeResultFiles(dir, 'noisy', report.startedAt, { json: json(full), md: noisyMarkdown(full) });
}
