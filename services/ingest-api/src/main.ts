import express from 'express';
import {
  closeServer, createKafka, createLogger, createMetrics, createProducer, installShutdown, listen, loadConfigOrExit, opsRoutes,
} from '@cdnlog/common';
import { configSchema } from './config';

async function main(): Promise<void> {
  const config = loadConfigOrExit('ingest-api', configSchema);
  const logger = createLogger('ingest-api', config.LOG_LEVEL);
  const metrics = createMetrics('ingest-api');
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-ingest`, logger });
  const producer = createProducer(kafka, { idempotent: true, compression: 'gzip' });

  const app = express();
  const lifecycle = installShutdown(logger, [
    { name: 'http-server', run: () => closeServer(server) },
    { name: 'producer', run: () => producer.disconnect() },
  ]);
  app.use(opsRoutes({ registry: metrics.registry, isShuttingDown: lifecycle.isShuttingDown, readiness: { kafka: () => producer.isConnected() } }));
  // POST /v1/logs arrives with issue #3.
  const server = await listen(app, config.PORT);
  await producer.connect();
  logger.info('ingest-api started', { port: config.PORT });
}

main().catch((err) => {
  process.stderr.write(`ingest-api failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
