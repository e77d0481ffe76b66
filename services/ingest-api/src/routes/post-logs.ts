import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, sendJson, type Logger, RateLimiter, TenantInFlight, type TenantRegistry } from '@cdnlog/common';
import { admissionError, ingestErrors } from '../errors';
import { toRawMessages } from '../events/to-raw-messages';
import type { IdempotencyStore } from '../idempotency/idempotency-store';
import { type IngestQuota, tenantQuotas } from '../limits/tenant-quotas';
import { TenantLoad } from '../limits/tenant-load';
import type { IngestMetrics } from '../metrics';
import { PublishFailedError, PublishTimeoutError, PublishTooLargeError, type Publisher } from '../publish/publisher';
import { authenticate } from '../request/authenticate';
import { bodyFormat, parseEntries } from '../request/parse-entries';
import { readBody } from '../request/read-body';
import { validateInSlices } from '../validation/validate-in-slices';

export interface PostLogsDeps {
  registry: TenantRegistry;
  publisher: Publisher;
  idempotency: IdempotencyStore;
  metrics: IngestMetrics;
  logger: Logger;
  isShuttingDown: () => boolean;
  limits: {
    maxBodyBytes: number;
    maxEntries: number;
    maxAgeMs: number;
    maxFutureSkewMs: number;
    publishTimeoutMs: number;
    maxInflightRequests: number;
    /** Quotas of tenants without their own in the registry. */
    tenantDefaults: IngestQuota;
  };
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** Events an entry is charged as when it needs the zod schema (see validate-in-slices.ts): below its CPU cost relative to a fast-path entry (docs/benchmarks.md), so no valid batch is overcharged. */
export const SLOW_PATH_EVENT_COST = 10;

/**
 * POST /v1/logs. The steps, in order (each may end the request with an error):
 * authenticate → while the CPU is saturated, shed (only the tenant that sent
 * most of the recent requests, if one did) → the tenant's slot (concurrent requests) → content type →
 * the tenant's byte and event rates (refused while either is in debt) → read
 * body (size/gzip limits) → charge its bytes → parse → charge its events
 * against the tenant's event rate → validate the entries (in slices, stopping
 * at VALIDATION_STOPS_AT problems; those zod had to check are charged
 * SLOW_PATH_EVENT_COST events each) → idempotency claim (within the tenant's key quota) → buffer
 * admission → publish (acks=all) → 202. Nothing is published unless every
 * entry is valid; bytes and events are charged when read and parsed, and a
 * refused batch gets nothing back (its cost was paid all the same).
 */
export function postLogs(deps: PostLogsDeps) {
  const { limits } = deps;
  const quotaOf = tenantQuotas(limits.tenantDefaults);
  const slots = new TenantInFlight();
  const eventRate = new RateLimiter();
  const byteRate = new RateLimiter();
  const load = new TenantLoad();
  /** `cpuSaturated`: the instance is CPU-saturated (logs-endpoint.ts): a tenant that sent most of the recent requests is shed alone, else everyone. */
  return async (req: IncomingMessage, res: ServerResponse, admission: { cpuSaturated: boolean } = { cpuSaturated: false }): Promise<void> => {
    if (deps.isShuttingDown()) throw ingestErrors.shuttingDown();
    const tenant = authenticate(req, deps.registry);
    const declared = Number(req.headers['content-length']);
    load.record(tenant.id, Number.isFinite(declared) ? declared : 0);
    if (admission.cpuSaturated && (load.dominates(tenant.id) || !load.anyDominates())) throw ingestErrors.cpuSaturated();
    const quota = quotaOf(tenant);
    const release = slots.tryAcquire(tenant.id, quota.concurrentRequests);
    if (!release) throw refused(deps, tenant.id, 'concurrency', ingestErrors.tenantConcurrencyLimited(quota.concurrentRequests));
    try {
      await handle(req, res, tenant.id, quota);
    } finally {
      release();
    }
  };

  async function handle(req: IncomingMessage, res: ServerResponse, tenant: string, quota: IngestQuota): Promise<void> {
    const format = bodyFormat(req.headers['content-type']);
    const rawKey = req.headers['idempotency-key'];
    const idempotencyKey = typeof rawKey === 'string' ? rawKey : undefined;
    if (rawKey !== undefined && (idempotencyKey === undefined || !IDEMPOTENCY_KEY.test(idempotencyKey))) throw ingestErrors.invalidIdempotencyKey();

    const bytes = { ratePerSecond: quota.bytesPerSecond, burst: quota.byteBurst };
    const byteDecision = byteRate.admits(tenant, bytes);
    if (!byteDecision.ok) throw refused(deps, tenant, 'bytes', ingestErrors.tenantByteRateLimited(byteDecision.retryAfterSeconds));
    // A tenant in event debt (its slow-path entries are charged after validation) is refused before its body is read and parsed.
    const events = { ratePerSecond: quota.eventsPerSecond, burst: quota.eventBurst };
    const eventsOwed = eventRate.admits(tenant, events);
    if (!eventsOwed.ok) throw refused(deps, tenant, 'events', ingestErrors.tenantRateLimited(eventsOwed.retryAfterSeconds));
    let body: Buffer;
    try {
      body = await readBody(req, limits.maxBodyBytes);
    } catch (err) {
      // A body cut off at the size limit was read up to it: that much is charged too.
      if (err instanceof AppError && err.code === 'payload_too_large') byteRate.charge(tenant, limits.maxBodyBytes, bytes);
      throw err;
    }
    byteRate.charge(tenant, body.length, bytes);
    const raw = parseEntries(body, format);
    if (raw.length === 0) throw ingestErrors.emptyBatch();
    if (raw.length > limits.maxEntries) throw ingestErrors.tooManyEntries(limits.maxEntries, raw.length);
    const eventDecision = eventRate.take(tenant, raw.length, events);
    if (!eventDecision.ok) throw refused(deps, tenant, 'events', ingestErrors.tenantRateLimited(eventDecision.retryAfterSeconds));
    const { validation, slowPathEntries } = await validateInSlices(raw, { maxAgeMs: limits.maxAgeMs, maxFutureSkewMs: limits.maxFutureSkewMs });
    // What an entry costs: one that needs the zod schema (invalid, or text to repair) takes many times the CPU of one the fast path accepts.
    if (slowPathEntries > 0) eventRate.charge(tenant, slowPathEntries * (SLOW_PATH_EVENT_COST - 1), events);
    if (!validation.ok) throw ingestErrors.invalidEntries(validation.problems, validation.totalProblems, validation.stoppedAfterEntry);
    const { entries } = validation;
    for (const [field, count] of Object.entries(validation.repaired)) deps.metrics.repairedStrings.inc({ field }, count);

    const batchId = randomUUID();
    let claim: Awaited<ReturnType<IdempotencyStore['claim']>> | undefined;
    if (idempotencyKey !== undefined) {
      try {
        claim = await deps.idempotency.claim(tenant, idempotencyKey, batchId, quota.idempotencyKeys);
      } catch (err) {
        deps.logger.error('idempotency store unavailable', { tenant, error: (err as Error).message });
        throw ingestErrors.idempotencyStoreUnavailable();
      }
      if (claim.kind === 'done') throw ingestErrors.duplicateIdempotencyKey(claim.batchId, claim.accepted);
      if (claim.kind === 'in_progress') throw ingestErrors.idempotencyKeyInProgress();
      if (claim.kind === 'quota_exceeded') {
        throw refused(deps, tenant, 'idempotency_keys', ingestErrors.idempotencyKeysExhausted(quota.idempotencyKeys, claim.retryAfterSeconds));
      }
    }

    try {
      const notAdmitted = admissionError(deps.publisher.admit(entries.length));
      if (notAdmitted) throw notAdmitted;

      const messages = toRawMessages(entries, { tenant, batchId, receivedAt: Date.now(), idempotencyKey });
      try {
        await deps.publisher.publish(messages, entries.length);
      } catch (err) {
        deps.logger.warn('publish failed', { tenant, batchId, events: entries.length, error: (err as Error).message });
        if (err instanceof PublishTimeoutError) throw ingestErrors.publishTimeout(limits.publishTimeoutMs);
        if (err instanceof PublishFailedError) throw ingestErrors.kafkaUnavailable();
        if (err instanceof PublishTooLargeError) throw ingestErrors.tooLargeForKafka();
        throw err;
      }
    } catch (err) {
      if (claim?.kind === 'claimed') await claim.release().catch(() => undefined);
      throw err;
    }

    if (claim?.kind === 'claimed') {
      // The batch is durable; if recording the key fails, a resend is still harmless (same event ids).
      await claim.complete(entries.length).catch((err: Error) =>
        deps.logger.error('could not record idempotency key', { tenant, batchId, error: err.message }),
      );
    }
    deps.metrics.eventsAccepted.inc(entries.length);
    sendJson(res, 202, { accepted: entries.length, batchId });
  }
}

/** A request over one of its tenant's quotas: counted by tenant and quota, answered with `error`. */
function refused(deps: PostLogsDeps, tenant: string, quota: 'concurrency' | 'bytes' | 'events' | 'idempotency_keys', error: AppError): AppError {
  deps.metrics.quotaRefusals.inc({ tenant, quota });
  return error;
}
