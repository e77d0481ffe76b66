/** A versioned JSON message value, before its schema is chosen by `v`. */
export type VersionedJson = { ok: true; json: unknown; version: unknown } | { ok: false; reason: string };

/** A Kafka message value → its JSON and its `v` (undefined when absent), or why it is not JSON. */
export function readVersioned(value: Buffer | null): VersionedJson {
  if (value === null || value.length === 0) return { ok: false, reason: 'empty message' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
  const version = json !== null && typeof json === 'object' ? (json as { v?: unknown }).v : undefined;
  return { ok: true, json, version };
}
