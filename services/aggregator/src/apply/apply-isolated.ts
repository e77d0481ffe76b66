import { type ClassifiedError, classifyRedisError, type UnknownErrorBudget } from '@cdnlog/common';
import { preAggregate, type PositionedEvent, type TenantDelta } from '../aggregate/pre-aggregate';
import { applyTenantDelta, type LiveWindowSettings, type ScriptClient } from './apply-live';
import { halvesByOffset } from './offset-halves';

export interface IsolatingApply {
  redis: ScriptClient;
  topic: string;
  partition: number;
  settings: LiveWindowSettings;
  nowMs: number;
  /** The tenant's budget for `unknown` errors (transient within its grace time, deterministic after). */
  budget: UnknownErrorBudget;
  /** Make the letter of the source message at `offset` durable (DLQ, acks=all) before the watermark passes it. */
  deadLetter(offset: number, error: ClassifiedError): Promise<void>;
}

export interface TenantApplied {
  outcome: 'applied' | 'duplicate' | 'isolated';
  /** The events this call made visible (none of a redelivery); for the freshness metric. */
  applied: PositionedEvent[];
  /** Offsets whose source message was dead-lettered; the watermark was moved past each. */
  deadLettered: number[];
}

/** The tenant's delta of `events` above the watermark `wm`, undefined when none is left. */
function deltaAbove(tenant: string, events: PositionedEvent[], ctx: IsolatingApply, wm: number): TenantDelta | undefined {
  return preAggregate(events, { nowMs: ctx.nowMs, windowMinutes: ctx.settings.windowMinutes, appliedUpTo: () => wm }).tenants.get(tenant);
}

/**
 * Apply `events` exactly once. When the script answers "overlap" (part of the range was applied:
 * a redelivery that does not align with the first delivery, or another member during a rebalance,
 * which may move the watermark again meanwhile), recompute from the watermark; it only grows, so
 * this ends. Returns the events applied here.
 */
async function applyOnce(tenant: string, events: PositionedEvent[], ctx: IsolatingApply, delta: TenantDelta | undefined): Promise<PositionedEvent[]> {
  let after = -1;
  while (delta) {
    const result = await applyTenantDelta(ctx.redis, delta, ctx.topic, ctx.partition, ctx.settings);
    if (result.outcome === 'duplicate') return [];
    if (result.outcome === 'applied') return after < 0 ? events : events.filter((e) => e.offset > after);
    after = result.watermark;
    delta = deltaAbove(tenant, events, ctx, after);
  }
  return [];
}

/**
 * Apply one tenant's events of a partition batch (ascending offsets; `delta` is their
 * pre-aggregation, if already computed), so that no message can stall the partition:
 *
 * - transient error (Redis down, OOM, failover): thrown; the consumer retries the batch with
 *   backoff and the watermark makes the retry exact;
 * - unknown error: thrown while within the tenant's grace time, deterministic after it;
 * - deterministic error (the script or Redis refused the data): the events are split by offset
 *   and the halves applied in ascending order, recursively, until a single offset fails alone.
 *   Its source message is dead-lettered, then the watermark is moved past exactly that offset
 *   (a delta without minutes), so a redelivery neither counts nor dead-letters it again. Every
 *   other offset is applied exactly once. A crash between the letter and the watermark sends the
 *   letter again on redelivery (same letter id).
 */
export async function applyIsolating(
  tenant: string,
  events: PositionedEvent[],
  ctx: IsolatingApply,
  delta: TenantDelta | undefined = deltaAbove(tenant, events, ctx, -1),
): Promise<TenantApplied> {
  const applied: PositionedEvent[][] = [];
  const deadLettered: number[] = [];
  const attempt = async (part: PositionedEvent[], partDelta: TenantDelta | undefined): Promise<void> => {
    let error: ClassifiedError;
    let unknown: boolean;
    try {
      applied.push(await applyOnce(tenant, part, ctx, partDelta));
      return;
    } catch (err) {
      const classified = classifyRedisError(err);
      unknown = classified.class === 'unknown';
      error = ctx.budget.resolve(classified);
      if (error.class !== 'deterministic') throw err;
    }
    const halves = halvesByOffset(part);
    if (halves) {
      for (const half of halves) await attempt(half, deltaAbove(tenant, half, ctx, -1));
      return;
    }
    // An unknown error that nothing of this tenant's batch got past may be an outage rather than data
    // (the store refuses everything alike): retried as transient, the partition shows as stuck.
    if (unknown && !applied.some((a) => a.length > 0)) throw Object.assign(new Error(error.message), { cause: error });
    const offset = part[0]!.offset;
    await ctx.deadLetter(offset, error);
    deadLettered.push(offset);
    await applyTenantDelta(ctx.redis, { tenant, firstOffset: offset, lastOffset: offset, minutes: new Map() }, ctx.topic, ctx.partition, ctx.settings);
  };
  await attempt(events, delta);
  ctx.budget.succeeded();
  const visible = applied.length === 1 ? applied[0]! : applied.flat();
  const outcome = deadLettered.length > 0 ? 'isolated' : visible.length > 0 ? 'applied' : 'duplicate';
  return { outcome, applied: visible, deadLettered };
}
