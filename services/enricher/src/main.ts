import { closeServer, createLogger, installShutdown, loadConfigOrExit, reloadRegistryOnSignal, startOpsServer, TenantRegistry } from '@cdnlog/common';
import { configSchema } from './config';
import { createEnricher } from './create-enricher';

async function main(): Promise<void> {
  const config = loadConfigOrExit('enricher', configSchema);
  const logger = createLogger('enricher', config.LOG_LEVEL);
  // Optional: it only holds per-tenant retention. No production rule here: the enricher authenticates nobody.
  const registryPath = config.TENANT_REGISTRY_PATH;
  const registry = registryPath ? TenantRegistry.load(registryPath) : undefined;
  const enricher = await createEnricher(config, logger, { registry });
  if (registry && registryPath) reloadRegistryOnSignal({ registry, path: registryPath, logger, metrics: enricher.metrics });

  const lifecycle = installShutdown(logger, [
    { name: 'consumer-and-writer', run: () => enricher.stop() },
    { name: 'ops-server', run: () => closeServer(server) },
  ]);
  const server = await startOpsServer({
    port: config.OPS_PORT, host: config.OPS_HOST, registry: enricher.metrics.registry, readiness: enricher.readiness, isShuttingDown: lifecycle.isShuttingDown, logger,
  });
  await enricher.start();
  logger.info('enricher started', { opsPort: config.OPS_PORT, topic: enricher.topics.raw, groupId: config.ENRICHER_GROUP_ID, tenantRegistry: registryPath ?? null });
}

main().catch((err) => {
  process.stderr.write(`enricher failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
