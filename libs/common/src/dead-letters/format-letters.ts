import { readVersioned } from '../schemas/versioned-message';
import type { StoredLetter } from './read-letters';

export interface LetterSummary {
  total: number;
  byTenant: Record<string, number>;
  byCode: Record<string, number>;
}

/** Letters with no tenant (their message could not be read) are counted under this name. */
export const NO_TENANT = '(none)';

export function summarizeLetters(letters: StoredLetter[]): LetterSummary {
  const count = (by: (l: StoredLetter) => string) => {
    const counts: Record<string, number> = {};
    for (const l of letters) counts[by(l)] = (counts[by(l)] ?? 0) + 1;
    return counts;
  };
  return { total: letters.length, byTenant: count((l) => l.tenant || NO_TENANT), byCode: count((l) => l.code) };
}

function cut(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function isoTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}

/** `list`: one line per letter, then the counts per tenant and per code. */
export function formatLetterList(letters: StoredLetter[]): string[] {
  const lines = letters.map((l) =>
    [l.id, `tenant=${l.tenant || NO_TENANT}`, `stage=${l.stage}`, `code=${l.code}`, `events=${l.events}`, `at=${isoTime(l.at)}`, `reason=${cut(l.reason, 100)}`].join('  '),
  );
  const summary = summarizeLetters(letters);
  const counts = (c: Record<string, number>) =>
    Object.entries(c)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || '-';
  return [...lines, `${summary.total} letter(s); per tenant: ${counts(summary.byTenant)}; per code: ${counts(summary.byCode)}`];
}

/** `list --json`: the letters without their values (their size instead), and the summary. */
export function letterListJson(letters: StoredLetter[]) {
  return {
    letters: letters.map(({ value, ...rest }) => ({ ...rest, at: isoTime(rest.at), valueBytes: value?.length ?? 0 })),
    summary: summarizeLetters(letters),
  };
}

/** `show`: where it sits, its key and headers, then the value (indented JSON when it parses). */
export function formatLetter(letter: StoredLetter): string {
  const parsed = readVersioned(letter.value);
  const value = parsed.ok ? JSON.stringify(parsed.json, null, 2) : (letter.value?.toString('utf8') ?? '');
  return [
    `letter ${letter.id} (DLQ partition ${letter.dlq.partition}, offset ${letter.dlq.offset})`,
    `key: ${letter.key ?? '(none)'}`,
    'headers:',
    ...Object.entries(letter.headers).map(([k, v]) => `  ${k}: ${v}`),
    `value (${letter.value?.length ?? 0} bytes${parsed.ok ? ', JSON' : `, ${parsed.reason}`}):`,
    value,
  ].join('\n');
}
