import { type Entry, entrySchema, epochMs } from './entry-schema';
import { fastEntry } from './fast-entry';
import { type RepairCounts, repairStrings } from './repair-strings';

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

/** A valid entry, normalised, with its event time in epoch milliseconds. */
export type ValidEntry = Entry & { timestampMs: number };

export type BatchValidation =
  /** `repaired`: per text field, how many values had unpaired surrogates replaced with U+FFFD. */
  | { ok: true; entries: ValidEntry[]; repaired: RepairCounts }
  /** `stoppedAfterEntry`: validation stopped there, at VALIDATION_STOPS_AT problems; the entries after it were not checked. */
  | { ok: false; problems: Problem[]; totalProblems: number; stoppedAfterEntry?: number };

export const MAX_REPORTED_PROBLEMS = 20;

/**
 * Problems after which validation stops: the batch is refused either way, and
 * the rest of a large invalid batch would each take zod's slow path, many
 * times the CPU of a valid entry, for a count nobody acts on.
 */
export const VALIDATION_STOPS_AT = 100;

/** A missing field says so; every other message comes from the schema. */
const PARSE_OPTIONS = { error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : undefined) };

/**
 * Validate the entries; the batch is all or nothing. Reports at most
 * MAX_REPORTED_PROBLEMS problems (with the total), in entry order, and stops
 * at VALIDATION_STOPS_AT problems. The common
 * case takes the plain-code fast path; an entry it is unsure of goes through
 * the zod schema, which has the last word and writes the messages. Text with
 * an unpaired surrogate is valid but not canonical: the fast path leaves it to
 * zod, and what zod accepts is repaired here (U+FFFD), so every entry returned
 * is canonical whichever path it took.
 */
export function validateBatch(raw: unknown[], window: TimeWindow, now = Date.now()): BatchValidation {
  const validator = batchValidator(window, now);
  for (let index = 0; index < raw.length && !validator.stopped; index++) validator.check(raw[index], index);
  return validator.result();
}

/** validateBatch one entry at a time (validate-in-slices.ts feeds it slice by slice). */
export function batchValidator(window: TimeWindow, now: number) {
  const entries: ValidEntry[] = [];
  const problems: Problem[] = [];
  const repaired: RepairCounts = {};
  let total = 0;
  let slowPath = 0;
  let stoppedAfterEntry: number | undefined;
  const report = (p: Problem) => {
    total++;
    if (problems.length < MAX_REPORTED_PROBLEMS) problems.push(p);
  };

  const check = (item: unknown, index: number): void => {
    checkEntry(item, index);
    if (total >= VALIDATION_STOPS_AT && stoppedAfterEntry === undefined) stoppedAfterEntry = index;
  };

  const checkEntry = (item: unknown, index: number): void => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      report({ index, field: '(entry)', message: 'must be an object' });
      return;
    }
    let entry = fastEntry(item as Record<string, unknown>);
    if (entry === undefined) {
      slowPath++;
      const result = entrySchema.safeParse(item, PARSE_OPTIONS);
      if (!result.success) {
        for (const issue of result.error.issues) {
          const field = issue.path.length > 0 ? issue.path.join('.') : '(entry)';
          report({ index, field, message: issue.message });
        }
        return;
      }
      entry = result.data;
      repairStrings(entry, repaired);
    }
    const timestampMs = epochMs(entry.timestamp);
    if (timestampMs < now - window.maxAgeMs) {
      report({ index, field: 'timestamp', message: `is more than ${Math.round(window.maxAgeMs / 3_600_000)} hours in the past` });
    } else if (timestampMs > now + window.maxFutureSkewMs) {
      report({ index, field: 'timestamp', message: `is more than ${Math.round(window.maxFutureSkewMs / 1000)} seconds in the future` });
    } else {
      // Both paths return a fresh object of ours: add the epoch instead of copying the entry.
      const valid = entry as ValidEntry;
      valid.timestampMs = timestampMs;
      entries.push(valid);
    }
  };

  return {
    check,
    result: (): BatchValidation => {
      if (total === 0) return { ok: true, entries, repaired };
      return stoppedAfterEntry === undefined ? { ok: false, problems, totalProblems: total } : { ok: false, problems, totalProblems: total, stoppedAfterEntry };
    },
    /** Whether validation has stopped (VALIDATION_STOPS_AT): the caller checks no further entries. */
    get stopped() {
      return stoppedAfterEntry !== undefined;
    },
    /** Entries that took the zod schema (each costs many times a fast-path one). */
    get slowPathEntries() {
      return slowPath;
    },
  };
}
