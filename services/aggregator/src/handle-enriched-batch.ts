import {
  awaitReplicaAcks, type BatchHandler, type ClassifiedError, type ConsumedMessage, deadLetter, type Logger, type OutgoingMessage, redisKeys, tenantOfKey,
  UnknownErrorBudget,
} from '@cdnlog/common';
import { decodeLiveMessage } from './aggregate/live-event';
import { preAggregate, type PositionedEvent } from './aggregate/pre-aggregate';
import { type LiveWindowSettings, withLiveScript } from './apply/apply-live';
import { applyIsolating } from './apply/apply-isolated';
import type { DeadLetterSink } from './dead-letters/dead-letter-sink';
import type { AggregatorMetrics } from './metrics';
import type { LiveRebuild } from './rebuild/live-rebuild';
import { isLate, minuteOf } from './window/window';
import { CLAIM_MARGIN_SECONDS, dropResentCopies, withClaimScript } from './resend/claim-batches';

/**
 * The aggregator's batch handler:
 *  1. if Redis lost the live window (no partition marker), seek back to (now − window) and let the replay rebuild it;
 *  2. decode the enriched events (a v2 message holds many, all at its offset; a message that is neither v1 nor v2 is
 *     dead-lettered), drop re-sent copies of batches already counted (one claim per batchKey), and pre-aggregate them
 *     per tenant and minute, in memory;
 *  3. apply each tenant's delta with one atomic script (exactly once through the tenant's watermark), isolating and
 *     dead-lettering the messages Redis refuses (apply/apply-isolated.ts);
 *  4. send the batch's remaining dead letters (durable, acks=all), then record the partition marker;
 *  5. with REDIS_MIN_REPLICA_ACKS, wait until Redis replicas hold the batch's writes (a failover keeps them).
 * The consumer commits the offsets afterwards, so no letter and no count is lost.
 * A transient Redis error (unreachable, OOM at maxmemory) throws: the consumer retries the
 * batch with backoff, so consumption pauses and nothing is skipped or evicted.
 */
export function handleEnrichedBatch(deps: {
  redis: Parameters<typeof withLiveScript>[0];
  settings: LiveWindowSettings;
  rebuild: LiveRebuild;
  metrics: AggregatorMetrics;
  logger: Logger;
  deadLetters: DeadLetterSink;
  /** UNKNOWN_ERROR_GRACE_MS: how long a tenant's Redis errors of unknown class are retried before isolating. */
  unknownErrorGraceMs: number;
  /** Replica acknowledgements awaited before the offsets are committed (0: none). */
  replicaAcks?: { min: number; timeoutMs: number };
  now?: () => number;
}): BatchHandler {
  const redis = withClaimScript(withLiveScript(deps.redis));
  const claimTtlSeconds = deps.settings.windowMinutes * 60 + deps.settings.graceSeconds + CLAIM_MARGIN_SECONDS;
  const now = deps.now ?? Date.now;
  /** Per partition and tenant, only while its applies fail with unknown errors. */
  const budgets = new Map<string, UnknownErrorBudget>();
  const budgetOf = (key: string) => {
    let budget = budgets.get(key);
    if (!budget) budgets.set(key, (budget = new UnknownErrorBudget(deps.unknownErrorGraceMs, now)));
    return budget;
  };
  return (batch) => deps.rebuild.withLock(batch.topic, batch.partition, async () => {
    const { topic, partition } = batch;
    const mode = await deps.rebuild.beforeBatch(topic, partition, batch.messages[0]!.offset);
    if (mode === 'seeked') return 'seeked' as const;

    const events: PositionedEvent[] = [];
    const letters: OutgoingMessage[] = [];
    for (const message of batch.messages) {
      const decoded = decodeLiveMessage(message.value);
      if (decoded.ok) {
        const offset = Number(message.offset);
        for (const event of decoded.events) events.push({ offset, event });
      } else {
        deps.metrics.invalid.inc();
        deps.logger.warn('dead-lettering a message that is not an enriched event', { topic, partition, offset: message.offset, reason: decoded.reason });
        letters.push(deadLetter({ source: message, tenant: tenantOfKey(message.key), service: 'aggregator', stage: 'decode', code: 'invalid_message', reason: decoded.reason, events: 0 }));
      }
    }

    const { kept, skipped } = await dropResentCopies(redis, events, claimTtlSeconds);
    deps.metrics.resentSkipped.inc(skipped);
    const nowMs = now();
    const first = preAggregate(kept, { nowMs, windowMinutes: deps.settings.windowMinutes, appliedUpTo: () => -1 });
    deps.metrics.late.inc(first.late);
    const byTenant = new Map<string, PositionedEvent[]>();
    for (const e of kept) {
      const list = byTenant.get(e.event.customerId);
      if (list) list.push(e);
      else byTenant.set(e.event.customerId, [e]);
    }
    // Freshness of what became visible, observed as soon as its tenant is applied (another tenant's
    // failure must not lose it): not of events read again (a redelivery, a retried batch) or left out (late).
    const observeVisible = (applied: PositionedEvent[]) => {
      const appliedAt = now();
      for (const { event } of applied) {
        if (isLate(minuteOf(event.timestamp), nowMs, deps.settings.windowMinutes)) continue;
        deps.metrics.freshness.observe((appliedAt - event.receivedAt) / 1000);
      }
    };
    const deadLetterAt = (tenant: string) => async (offset: number, error: ClassifiedError) => {
      const source = batch.messages.find((m) => Number(m.offset) === offset)!;
      deps.logger.error('dead-lettering a message Redis refused', { topic, partition, offset, tenant, code: error.code, error: error.message });
      await deps.deadLetters.send([redisLetter(source, tenant, error)]);
    };
    // Settled, not Promise.all: a tenant's failure must not leave another tenant's apply (or letter) running past the handler.
    const settled = await Promise.allSettled(
      [...first.tenants.values()].map(async (delta) => {
        const stop = deps.metrics.applySeconds.startTimer();
        const budgetKey = `${topic}\0${partition}\0${delta.tenant}`;
        const result = await applyIsolating(delta.tenant, byTenant.get(delta.tenant)!, {
          redis, topic, partition, settings: deps.settings, nowMs, budget: budgetOf(budgetKey), deadLetter: deadLetterAt(delta.tenant),
        }, delta);
        budgets.delete(budgetKey);
        stop();
        deps.metrics.tenantApplies.inc({ outcome: result.outcome });
        observeVisible(result.applied);
      }),
    );
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    await deps.deadLetters.send(letters);
    const marker = redisKeys.live.partitionMarker(topic, partition);
    const last = batch.messages[batch.messages.length - 1]!.offset;
    // Outside a rebuild the marker is only updated, never re-created: a marker lost mid-batch must stay lost.
    if (mode === 'replay') await redis.set(marker, last);
    else await redis.set(marker, last, 'XX');
    if (deps.replicaAcks) await awaitReplicaAcks(deps.redis, deps.replicaAcks.min, deps.replicaAcks.timeoutMs);
    deps.metrics.batches.inc();
    return undefined;
  });
}

/** The letter of a message Redis refused: the whole enriched message, as read. */
function redisLetter(source: ConsumedMessage, tenant: string, error: ClassifiedError): OutgoingMessage {
  const decoded = decodeLiveMessage(source.value);
  return deadLetter({
    source, tenant, service: 'aggregator', stage: 'redis', code: error.code, reason: error.message, events: decoded.ok ? decoded.events.length : 0,
  });
}
