/**
 * Poll until `probe` returns a value that `done` accepts, or fail with the
 * last value seen. For integration tests: data arrives asynchronously through
 * Kafka, so tests wait for it instead of sleeping a fixed time.
 */
export async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (done(last)) return last;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 200));
  }
  const seen = lastError instanceof Error ? `error ${lastError.message}` : JSON.stringify(last);
  throw new Error(`timed out waiting for ${opts.what ?? 'condition'}; last seen: ${seen}`);
}
