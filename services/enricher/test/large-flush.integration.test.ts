/**
 * Regression: one flush holding far more than 1 MB (compressed) for a single
 * tenant's partition, on topics with the broker's default 1 MB message limit.
 * The enricher used to publish it as one record batch, which the broker
 * rejected forever (the enricher stalled). It must chunk and go through.
 */
import { randomBytes } from 'node:crypto';
import { testLogger } from '@cdnlog/common/testing';
import { createEnricher } from '../src/create-enricher';
import { enricherTestbed } from './harness';

it('a 6,000-row flush of incompressible events for one tenant reaches ClickHouse and the enriched topic', async () => {
  const bed = await enricherTestbed('bigflush', { FLUSH_MAX_ROWS: '6000', FLUSH_MAX_WAIT_MS: '60000' }, { brokerDefaultLimits: true });
  const enricher = await createEnricher(bed.config, testLogger('enricher'));
  try {
    const enriched = await bed.collect(bed.env.KAFKA_TOPIC_ENRICHED!);
    const events = bed.events(6000).map((e) => ({ ...e, customerId: bed.tenants[0]!, userAgent: randomBytes(600).toString('base64') }));
    await bed.produce(events);
    await enricher.start();
    await bed.waitFor(() => bed.distinctRows(), (n) => n === 6000, { what: '6000 rows', timeoutMs: 90_000 });
    await bed.waitFor(async () => enriched.length, (n) => n >= 6000, { what: '6000 enriched messages', timeoutMs: 30_000 });
    expect(enriched).toHaveLength(6000);
  } finally {
    await enricher.stop();
    await bed.cleanup();
  }
}, 150_000);
