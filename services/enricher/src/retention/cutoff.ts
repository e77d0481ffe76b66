export const DAY_MS = 86_400_000;

/**
 * The instant `days` before `nowMs`: rows older than it are past their retention.
 * Undefined for 0 days, which keeps everything.
 */
export function retentionCutoff(nowMs: number, days: number): number | undefined {
  return days > 0 ? nowMs - days * DAY_MS : undefined;
}

/** The day (YYYYMMDD) of a daily partition as `system.parts` names it, or undefined for any other name. */
export function partitionDay(partition: string): number | undefined {
  return /^\d{8}$/.test(partition) ? Number(partition) : undefined;
}

/**
 * The daily partitions to drop, oldest first: those of a day before `cutoffDay`, the day
 * (YYYYMMDD, in the server's time zone, which is the one `toYYYYMMDD` partitions by) that the
 * cutoff instant falls in. The cutoff's own day stays although some of its rows are past the
 * cutoff: a partition goes only once every row it can hold is older than the retention.
 */
export function partitionsDue(partitions: Iterable<string>, cutoffDay: number): number[] {
  const due = new Set<number>();
  for (const p of partitions) {
    const day = partitionDay(p);
    if (day !== undefined && day < cutoffDay) due.add(day);
  }
  return [...due].sort((a, b) => a - b);
}
