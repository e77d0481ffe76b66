import { closeServer, createLogger, installShutdown, loadConfigOrExit, startOpsServer } from '@cdnlog/common';
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
  const server = await startOpsServer({
    port: config.OPS_PORT, host: config.OPS_HOST, registry: enricher.metrics.registry, readiness: enricher.readiness, isShuttingDown: lifecycle.isShuttingDown, logger,
  });
  await enricher.start();
  logger.info('enricher started', { opsPort: config.OPS_PORT, topic: enricher.topics.raw, groupId: config.ENRICHER_GROUP_ID });
}

main().catch((err) => {
  process.stderr.write(`enricher failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
