import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, type Logger, type TenantRegistry } from '@cdnlog/common';
import { admissionError, ingestErrors } from '../errors';
import { toRawMessages } from '../events/to-raw-messages';
import type { IdempotencyStore } from '../idempotency/idempotency-store';
import type { RateLimiter } from '../limits/rate-limiter';
import type { IngestMetrics } from '../metrics';
import { PublishFailedError, PublishTimeoutError, type Publisher } from '../publish/publisher';
import { authenticate } from '../request/authenticate';
import { bodyFormat, parseEntries } from '../request/parse-entries';
import { readBody } from '../request/read-body';
import { validateBatch } from '../validation/validate-batch';

export interface PostLogsDeps {
  registry: TenantRegistry;
  publisher: Publisher;
  idempotency: IdempotencyStore;
  rateLimiter: RateLimiter;
  metrics: IngestMetrics;
  logger: Logger;
  isShuttingDown: () => boolean;
  limits: {
    maxBodyBytes: number;
    maxEntries: number;
    maxAgeMs: number;
    maxFutureSkewMs: number;
    publishTimeoutMs: number;
    defaultRate: { ratePerSecond: number; burst: number };
    maxInflightRequests: number;
  };
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * POST /v1/logs. The steps, in order (each may end the request with an error):
 * authenticate → content type → read body (size/gzip limits) → parse → validate
 * all entries → idempotency claim → tenant rate limit → buffer admission →
 * publish (acks=all) → 202. Nothing is published unless every entry is valid.
 */
export function postLogs(deps: PostLogsDeps) {
  const { limits } = deps;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (deps.isShuttingDown()) throw ingestErrors.shuttingDown();
    const tenant = authenticate(req, deps.registry);
    const format = bodyFormat(req.headers['content-type']);
    const rawKey = req.headers['idempotency-key'];
    const idempotencyKey = typeof rawKey === 'string' ? rawKey : undefined;
    if (rawKey !== undefined && (idempotencyKey === undefined || !IDEMPOTENCY_KEY.test(idempotencyKey))) throw ingestErrors.invalidIdempotencyKey();

    const body = await readBody(req, limits.maxBodyBytes);
    const raw = parseEntries(body, format);
    if (raw.length === 0) throw ingestErrors.emptyBatch();
    if (raw.length > limits.maxEntries) throw ingestErrors.tooManyEntries(limits.maxEntries, raw.length);
    const validation = validateBatch(raw, { maxAgeMs: limits.maxAgeMs, maxFutureSkewMs: limits.maxFutureSkewMs });
    if (!validation.ok) throw ingestErrors.invalidEntries(validation.problems, validation.totalProblems);
    const { entries } = validation;
    for (const [field, count] of Object.entries(validation.repaired)) deps.metrics.repairedStrings.inc({ field }, count);

    const batchId = randomUUID();
    let claim: Awaited<ReturnType<IdempotencyStore['claim']>> | undefined;
    if (idempotencyKey !== undefined) {
      try {
        claim = await deps.idempotency.claim(tenant.id, idempotencyKey, batchId);
      } catch (err) {
        deps.logger.error('idempotency store unavailable', { tenant: tenant.id, error: (err as Error).message });
        throw ingestErrors.idempotencyStoreUnavailable();
      }
      if (claim.kind === 'done') throw ingestErrors.duplicateIdempotencyKey(claim.batchId, claim.accepted);
      if (claim.kind === 'in_progress') throw ingestErrors.idempotencyKeyInProgress();
    }

    try {
      const rate = tenant.rateLimit ? { ratePerSecond: tenant.rateLimit.eventsPerSecond, burst: tenant.rateLimit.burst } : limits.defaultRate;
      const decision = deps.rateLimiter.take(tenant.id, entries.length, rate);
      if (!decision.ok) throw ingestErrors.tenantRateLimited(decision.retryAfterSeconds);
      const refused = admissionError(deps.publisher.admit(entries.length));
      if (refused) throw refused;

      const messages = toRawMessages(entries, { tenant: tenant.id, batchId, receivedAt: Date.now(), idempotencyKey });
      try {
        await deps.publisher.publish(messages, entries.length);
      } catch (err) {
        deps.logger.warn('publish failed', { tenant: tenant.id, batchId, events: entries.length, error: (err as Error).message });
        if (err instanceof PublishTimeoutError) throw ingestErrors.publishTimeout(limits.publishTimeoutMs);
        if (err instanceof PublishFailedError) throw ingestErrors.kafkaUnavailable();
        throw err;
      }
    } catch (err) {
      if (claim?.kind === 'claimed') await claim.release().catch(() => undefined);
      throw err;
    }

    if (claim?.kind === 'claimed') {
      // The batch is durable; if recording the key fails, a resend is still harmless (same event ids).
      await claim.complete(entries.length).catch((err: Error) =>
        deps.logger.error('could not record idempotency key', { tenant: tenant.id, batchId, error: err.message }),
      );
    }
    deps.metrics.eventsAccepted.inc(entries.length);
    sendJson(res, 202, { accepted: entries.length, batchId });
  };
}
