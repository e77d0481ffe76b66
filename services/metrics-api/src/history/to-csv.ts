import type { HistoryView } from '../api-schemas';

const COLUMNS = ['bucket', 'group', 'requests', 'bytes', 'status2xx', 'status3xx', 'status4xx', 'status5xx', 'uniqueIps'] as const;

/** RFC 4180 field; cells that a spreadsheet would run as a formula are prefixed with a quote. */
function cell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function historyToCsv(view: HistoryView): string {
  const lines = [COLUMNS.join(',')];
  for (const b of view.buckets) lines.push(COLUMNS.map((c) => cell(b[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
