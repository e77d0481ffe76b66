import { closeServer, createLogger, installShutdown, loadConfigOrExit, startOpsServer } from '@cdnlog/common';
import { configSchema } from './config';
import { createAggregator } from './create-aggregator';

async function main(): Promise<void> {
  const config = loadConfigOrExit('aggregator', configSchema);
  const logger = createLogger('aggregator', config.LOG_LEVEL);
  const aggregator = createAggregator(config, logger);

  const lifecycle = installShutdown(logger, [
    { name: 'consumer-and-redis', run: () => aggregator.stop() },
    { name: 'ops-server', run: () => closeServer(server) },
  ]);
  const server = await startOpsServer({
    port: config.OPS_PORT, host: config.OPS_HOST, registry: aggregator.metrics.registry, readiness: aggregator.readiness, isShuttingDown: lifecycle.isShuttingDown, logger,
  });
  await aggregator.start();
  logger.info('aggregator started', { opsPort: config.OPS_PORT, topic: aggregator.topics.enriched, groupId: config.AGGREGATOR_GROUP_ID });
}

main().catch((err) => {
  process.stderr.write(`aggregator failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
