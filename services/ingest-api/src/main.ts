import { closeServer, createLogger, installShutdown, listen, loadConfigOrExit, reloadRegistryOnSignal, TenantRegistry } from '@cdnlog/common';
import { configSchema } from './config';
import { createIngest } from './create-ingest';

async function main(): Promise<void> {
  const config = loadConfigOrExit('ingest-api', configSchema);
  const logger = createLogger('ingest-api', config.LOG_LEVEL);
  const registry = TenantRegistry.load(config.TENANT_REGISTRY_PATH);
  const lifecycle = installShutdown(logger, [
    { name: 'http-server', run: () => closeServer(server) },
    { name: 'publisher-and-clients', run: () => ingest.close() },
  ]);
  const ingest = createIngest(config, { logger, registry, isShuttingDown: lifecycle.isShuttingDown });
  await ingest.connect();
  reloadRegistryOnSignal({ registry, path: config.TENANT_REGISTRY_PATH, logger, metrics: ingest.metrics });
  const server = await listen(ingest.app, config.PORT, { requestTimeoutMs: config.REQUEST_TIMEOUT_MS, onRejected: ingest.countRejected });
  logger.info('ingest-api started', { port: config.PORT, tenants: registry.size, topic: ingest.topic });
}

main().catch((err) => {
  process.stderr.write(`ingest-api failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
