import { rawEventSchema, type RawEvent } from '@cdnlog/common';

export type Decoded = { ok: true; event: RawEvent } | { ok: false; reason: string };

/** A raw-topic message → RawEvent, or the reason it is poison (it then goes to the DLQ). */
export function decodeRawEvent(value: Buffer | null): Decoded {
  if (value === null || value.length === 0) return { ok: false, reason: 'empty message' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
  const result = rawEventSchema.safeParse(json);
  if (!result.success) {
    const first = result.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return { ok: false, reason: `not a raw event v1: ${first.join('; ')}` };
  }
  return { ok: true, event: result.data };
}
