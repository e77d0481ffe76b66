import { json, machine as thisMachine, writeResultFiles } from './results';

export interface RebuildReport {
  /** What was measured (`--label`), e.g. the settings under test. */
  label: string;
  startedAt: string;
  /** Bench events in the live window before Redis lost it. */
  events: number;
  /** Of those, the events of minutes still in the window when the rebuild was judged. */
  comparedEvents: number;
  exact: boolean;
  /** From the aggregator's start to the rebuilt minutes equalling the snapshot. */
  seconds: number;
  eventsPerSecond: number;
  peakRssMb: number;
  rssAfterMb: number;
  cpuSeconds: number;
  liveKeysDeleted: number;
}

/** `runs/<time>-rebuild.{json,md}` and `latest-rebuild.*` in `dir`; returns the dated Markdown path. */
export function writeRebuildReport(dir: string, report: RebuildReport): string {
  const machine = thisMachine();
  return writeResultFiles(dir, 'rebuild', report.startedAt, {
    json: json({ ...report, machine }),
    md: `# Live window rebuild — ${report.startedAt}

Redis lost the live window (every \`live:*\` key deleted, ${report.liveKeysDeleted} keys) while it held ${report.events} bench
events; the aggregator was restarted and replayed the enriched topic. Machine: ${machine.cpus} CPUs, ${machine.memoryGb} GB,
Node ${machine.node}; everything co-located, no other load.${report.label ? `\n\n${report.label}` : ''}

| events compared | exact | rebuild s | events/s | aggregator peak RSS MB | RSS after MB | aggregator CPU s |
|---|---|---|---|---|---|---|
| ${report.comparedEvents} | ${report.exact ? 'yes' : '**no**'} | ${report.seconds} | ${report.eventsPerSecond} | ${report.peakRssMb} | ${report.rssAfterMb} | ${report.cpuSeconds} |
`,
  });
}
