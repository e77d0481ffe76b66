import { type BatchValidation, batchValidator, type TimeWindow } from './validate-batch';

/** Entries validated between two turns of the event loop: ~1 ms on the fast path, ~15 ms on zod's. */
export const VALIDATION_SLICE = 500;

/**
 * validateBatch for a request, giving the event loop back between slices. One
 * batch of 10,000 entries that all take zod's slow path (invalid ones, say)
 * costs a quarter of a second: in one piece it held every other tenant's
 * requests that long, and the event-loop delay it caused shed them all with
 * 429. In slices, they are served in between.
 */
export async function validateInSlices(
  raw: unknown[],
  window: TimeWindow,
  now = Date.now(),
  slice = VALIDATION_SLICE,
): Promise<{ validation: BatchValidation; slowPathEntries: number }> {
  const validator = batchValidator(window, now);
  for (let start = 0; start < raw.length; start += slice) {
    if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const end = Math.min(raw.length, start + slice);
    for (let i = start; i < end; i++) validator.check(raw[i], i);
  }
  return { validation: validator.result(), slowPathEntries: validator.slowPathEntries };
}
