import { closeServer, createLogger, installShutdown, listen, loadConfigOrExit, reloadRegistryOnSignal, TenantRegistry } from '@cdnlog/common';
import { configSchema } from './config';
import { createMetricsApi } from './create-metrics-api';

async function main(): Promise<void> {
  const config = loadConfigOrExit('metrics-api', configSchema);
  const logger = createLogger('metrics-api', config.LOG_LEVEL);
  const registry = TenantRegistry.load(config.TENANT_REGISTRY_PATH);
  const lifecycle = installShutdown(logger, [
    { name: 'http-server', run: () => closeServer(server) },
    { name: 'clients', run: () => api.close() },
  ]);
  const api = await createMetricsApi(config, { logger, registry, isShuttingDown: lifecycle.isShuttingDown });
  reloadRegistryOnSignal({ registry, path: config.TENANT_REGISTRY_PATH, logger, metrics: api.metrics });
  const server = await listen(api.app, config.PORT);
  logger.info('metrics-api started', { port: config.PORT, tenants: registry.size });
}

main().catch((err) => {
  process.stderr.write(`metrics-api failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
