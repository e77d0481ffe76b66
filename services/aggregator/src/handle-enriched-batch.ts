import { type BatchHandler, type Logger, redisKeys } from '@cdnlog/common';
import { decodeLiveMessage } from './aggregate/live-event';
import { preAggregate, type PositionedEvent } from './aggregate/pre-aggregate';
import { applyTenantDelta, type LiveWindowSettings, withLiveScript } from './apply/apply-live';
import type { AggregatorMetrics } from './metrics';
import type { LiveRebuild } from './rebuild/live-rebuild';
import { isLate, minuteOf } from './window/window';
import { CLAIM_MARGIN_SECONDS, dropResentCopies, withClaimScript } from './resend/claim-batches';

/**
 * The aggregator's batch handler:
 *  1. if Redis lost the live window (no partition marker), seek back to (now − window) and let the replay rebuild it;
 *  2. decode the enriched events (a v2 message holds many, all at its offset), drop re-sent copies of batches already counted (one claim per batchKey),
 *     and pre-aggregate them per tenant and minute, in memory;
 *  3. apply each tenant's delta with one atomic script (exactly once through the tenant's watermark);
 *  4. record the partition marker. The consumer commits the offsets afterwards.
 * A Redis error (unreachable, OOM at maxmemory) throws: the consumer retries the
 * batch with backoff, so consumption pauses and nothing is skipped or evicted.
 */
export function handleEnrichedBatch(deps: {
  redis: Parameters<typeof withLiveScript>[0];
  settings: LiveWindowSettings;
  rebuild: LiveRebuild;
  metrics: AggregatorMetrics;
  logger: Logger;
  now?: () => number;
}): BatchHandler {
  const redis = withClaimScript(withLiveScript(deps.redis));
  const claimTtlSeconds = deps.settings.windowMinutes * 60 + deps.settings.graceSeconds + CLAIM_MARGIN_SECONDS;
  const now = deps.now ?? Date.now;
  return (batch) => deps.rebuild.withLock(batch.topic, batch.partition, async () => {
    const { topic, partition } = batch;
    const mode = await deps.rebuild.beforeBatch(topic, partition, batch.messages[0]!.offset);
    if (mode === 'seeked') return 'seeked' as const;

    const events: PositionedEvent[] = [];
    for (const message of batch.messages) {
      const decoded = decodeLiveMessage(message.value);
      if (decoded.ok) {
        const offset = Number(message.offset);
        for (const event of decoded.events) events.push({ offset, event });
      } else {
        deps.metrics.invalid.inc();
        deps.logger.warn('skipping a message that is not an enriched event', { topic, partition, offset: message.offset, reason: decoded.reason });
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
    const observeVisible = (tenant: string, after: number) => {
      const appliedAt = now();
      for (const { offset, event } of byTenant.get(tenant) ?? []) {
        if (offset <= after || isLate(minuteOf(event.timestamp), nowMs, deps.settings.windowMinutes)) continue;
        deps.metrics.freshness.observe((appliedAt - event.receivedAt) / 1000);
      }
    };
    await Promise.all(
      [...first.tenants.values()].map(async (delta) => {
        const stop = deps.metrics.applySeconds.startTimer();
        let result = await applyTenantDelta(redis, delta, topic, partition, deps.settings);
        let after = -1;
        while (result.outcome === 'overlap') {
          // Part of this range was applied already (a redelivery that does not align with the first delivery,
          // or another member during a rebalance, which may move the watermark again meanwhile: the watermark
          // only grows, so this ends).
          const wm = result.watermark;
          after = wm;
          const rest = preAggregate(kept, { nowMs, windowMinutes: deps.settings.windowMinutes, appliedUpTo: (t) => (t === delta.tenant ? wm : Infinity) });
          const remaining = rest.tenants.get(delta.tenant);
          result = remaining ? await applyTenantDelta(redis, remaining, topic, partition, deps.settings) : { outcome: 'duplicate', watermark: wm };
        }
        stop();
        deps.metrics.tenantApplies.inc({ outcome: result.outcome });
        if (result.outcome === 'applied') observeVisible(delta.tenant, after);
      }),
    );
    const marker = redisKeys.live.partitionMarker(topic, partition);
    const last = batch.messages[batch.messages.length - 1]!.offset;
    // Outside a rebuild the marker is only updated, never re-created: a marker lost mid-batch must stay lost.
    if (mode === 'replay') await redis.set(marker, last);
    else await redis.set(marker, last, 'XX');
    deps.metrics.batches.inc();
    return undefined;
  });
}
