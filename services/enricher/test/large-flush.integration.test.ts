/**
 * Regression: one flush holding far more than 1 MB (compressed) for a single
 * tenant's partition, on topics with the broker's default 1 MB message limit.
 * The enricher used to publish it as one record batch, which the broker
 * rejected forever (the enricher stalled). It must chunk and go through; an
 * enriched message over ENRICHED_BATCH_MAX_BYTES is split.
 */
import { randomBytes } from 'node:crypto';
import { ENRICHED_BATCH_MAX_BYTES, type EnrichedBatch } from '@cdnlog/common';
import { testLogger } from '@cdnlog/common/testing';
import { createEnricher } from '../src/create-enricher';
import { enricherTestbed } from './harness';

it('a 6,000-row flush of incompressible events for one tenant reaches ClickHouse and the enriched topic, large messages split in two', async () => {
  const bed = await enricherTestbed('bigflush', { FLUSH_MAX_ROWS: '6000', FLUSH_MAX_WAIT_MS: '60000' }, { brokerDefaultLimits: true });
  const enricher = await createEnricher(bed.config, testLogger('enricher'));
  try {
    const enriched = await bed.collectEnriched();
    // 1,024-character user agents: ~1.4 KB per enriched event, ~700 KB for 500 of them.
    const events = bed.events(6000).map((e) => ({ ...e, customerId: bed.tenants[0]!, userAgent: randomBytes(768).toString('base64') }));
    const raw = await bed.produce(events, 500);
    expect(raw).toHaveLength(12);
    await enricher.start();
    await bed.waitFor(() => bed.distinctRows(), (n) => n === 6000, { what: '6000 rows', timeoutMs: 90_000 });
    await bed.waitFor(async () => enriched.events.length, (n) => n >= 6000, { what: '6000 enriched events', timeoutMs: 30_000 });
    expect(enriched.events).toHaveLength(6000);
    expect(new Set(enriched.events.map((e) => e.eventId)).size).toBe(6000);
    expect(enriched.messages).toHaveLength(24);
    for (const m of enriched.messages) {
      expect(m.value!.length).toBeLessThanOrEqual(ENRICHED_BATCH_MAX_BYTES);
      expect((JSON.parse(m.value!.toString()) as EnrichedBatch).events).toHaveLength(250);
    }
  } finally {
    await enricher.stop();
    await bed.cleanup();
  }
}, 150_000);
