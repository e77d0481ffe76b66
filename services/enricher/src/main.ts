import express from 'express';
import { closeServer, createLogger, errorHandler, installShutdown, listen, loadConfigOrExit, notFound, opsRoutes } from '@cdnlog/common';
import { configSchema } from './config';
import { createEnricher } from './create-enricher';

async function main(): Promise<void> {
  const config = loadConfigOrExit('enricher', configSchema);
  const logger = createLogger('enricher', config.LOG_LEVEL);
  const enricher = await createEnricher(config, logger);

  const lifecycle = installShutdown(logger, [
    { name: 'consumer-and-writer', run: () => enricher.stop() },
    { name: 'ops-server', run: () => closeServer(server) },
  ]);
  const app = express();
  app.use(opsRoutes({ registry: enricher.metrics.registry, isShuttingDown: lifecycle.isShuttingDown, readiness: enricher.readiness }));
  app.use(notFound());
  app.use(errorHandler(logger));
  const server = await listen(app, config.OPS_PORT);
  await enricher.start();
  logger.info('enricher started', { opsPort: config.OPS_PORT, topic: enricher.topics.raw, groupId: config.ENRICHER_GROUP_ID });
}

main().catch((err) => {
  process.stderr.write(`enricher failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
