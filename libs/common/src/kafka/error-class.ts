/** kafkajs error types by which the broker refuses the size of what was sent, not its own state. */
const SIZE_REFUSALS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

/**
 * Whether a produce failed because the broker refuses records this large
 * (the topic's `max.message.bytes`): retrying the same records fails the same
 * way, and says nothing about the broker's health. kafkajs wraps the
 * protocol error (`type`) in a non-retriable error (`cause`).
 */
export function isRecordSizeRefusal(err: unknown): boolean {
  for (let e = err as { type?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.type === 'string' && SIZE_REFUSALS.has(e.type)) return true;
  }
  return false;
}
