import { ingestErrors } from '../errors';

export type BodyFormat = 'json' | 'ndjson';

/** `application/json` or `application/x-ndjson` (charset and other parameters ignored); anything else → 415. */
export function bodyFormat(contentType: string | undefined): BodyFormat {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'application/x-ndjson' || type === 'application/ndjson') return 'ndjson';
  throw ingestErrors.unsupportedMediaType(contentType ?? '');
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    // RangeError for absurd nesting depth lands here too.
    throw ingestErrors.invalidJson(`${where}${(err as Error).message}`);
  }
}

/**
 * The body as a list of raw entries (not yet validated): a JSON array, one JSON
 * object, or NDJSON (one object per line; blank lines skipped).
 */
export function parseEntries(body: Buffer, format: BodyFormat): unknown[] {
  const text = body.toString('utf8');
  if (format === 'ndjson') {
    const entries: unknown[] = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line !== '') entries.push(parseJson(line, `line ${i + 1}: `));
    }
    return entries;
  }
  if (text.trim() === '') throw ingestErrors.invalidJson('the body is empty');
  const parsed = parseJson(text, '');
  if (Array.isArray(parsed)) return parsed;
  if (parsed !== null && typeof parsed === 'object') return [parsed];
  throw ingestErrors.invalidBody();
}
