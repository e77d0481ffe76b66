import { type BatchValidation, batchValidator, type TimeWindow } from './validate-batch';

/** Entries validated between two turns of the event loop: small enough that a slice on zod's slow path holds other requests only briefly (docs/benchmarks.md). */
export const VALIDATION_SLICE = 500;

/**
 * validateBatch for a request, giving the event loop back between slices. A
 * large batch whose entries all take zod's slow path (invalid ones, say) is
 * costly: in one piece it holds every other tenant's requests for all of it,
 * and the event-loop delay it causes sheds them with 429. In slices, they are
 * served in between.
 */
export async function validateInSlices(
  raw: unknown[],
  window: TimeWindow,
  now = Date.now(),
  slice = VALIDATION_SLICE,
): Promise<{ validation: BatchValidation; slowPathEntries: number }> {
  const validator = batchValidator(window, now);
  for (let start = 0; start < raw.length && !validator.stopped; start += slice) {
    if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const end = Math.min(raw.length, start + slice);
    for (let i = start; i < end && !validator.stopped; i++) validator.check(raw[i], i);
  }
  return { validation: validator.result(), slowPathEntries: validator.slowPathEntries };
}
