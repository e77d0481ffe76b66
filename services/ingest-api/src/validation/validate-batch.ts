import { type Entry, entrySchema, epochMs } from './entry-schema';

export interface Problem {
  /** Position of the entry in the batch (0-based). */
  index: number;
  /** Field path, or "(entry)" when the entry itself is wrong. */
  field: string;
  message: string;
}

export interface TimeWindow {
  maxAgeMs: number;
  maxFutureSkewMs: number;
}

export type BatchValidation =
  | { ok: true; entries: Array<Entry & { timestampMs: number }> }
  | { ok: false; problems: Problem[]; totalProblems: number };

export const MAX_REPORTED_PROBLEMS = 20;

/** A missing field says so; every other message comes from the schema. */
const PARSE_OPTIONS = { error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : undefined) };

/**
 * Validate every entry; the batch is all or nothing. Reports at most
 * MAX_REPORTED_PROBLEMS problems (with the total), in entry order.
 */
export function validateBatch(raw: unknown[], window: TimeWindow, now = Date.now()): BatchValidation {
  const entries: Array<Entry & { timestampMs: number }> = [];
  const problems: Problem[] = [];
  let total = 0;
  const report = (p: Problem) => {
    total++;
    if (problems.length < MAX_REPORTED_PROBLEMS) problems.push(p);
  };

  raw.forEach((item, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      report({ index, field: '(entry)', message: 'must be an object' });
      return;
    }
    const result = entrySchema.safeParse(item, PARSE_OPTIONS);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const field = issue.path.length > 0 ? issue.path.join('.') : '(entry)';
        report({ index, field, message: issue.message });
      }
      return;
    }
    const timestampMs = epochMs(result.data.timestamp);
    if (timestampMs < now - window.maxAgeMs) {
      report({ index, field: 'timestamp', message: `is more than ${Math.round(window.maxAgeMs / 3_600_000)} hours in the past` });
    } else if (timestampMs > now + window.maxFutureSkewMs) {
      report({ index, field: 'timestamp', message: `is more than ${Math.round(window.maxFutureSkewMs / 1000)} seconds in the future` });
    } else {
      entries.push({ ...result.data, timestampMs });
    }
  });

  return total === 0 ? { ok: true, entries } : { ok: false, problems, totalProblems: total };
}
