/**
 * One step of isolating what Redis refuses: a tenant's events split into those of the
 * lower and of the upper half of their distinct offsets (all events of a v2 message share
 * its offset and stay together). Null when they hold a single offset: that message is the
 * one refused. Applying the lower half before the upper keeps the offsets ascending, as the
 * tenant's watermark requires.
 */
export function halvesByOffset<E extends { offset: number }>(events: E[]): [E[], E[]] | null {
  const offsets = [...new Set(events.map((e) => e.offset))].sort((a, b) => a - b);
  if (offsets.length < 2) return null;
  const middle = offsets[offsets.length >> 1]!;
  return [events.filter((e) => e.offset < middle), events.filter((e) => e.offset >= middle)];
}
