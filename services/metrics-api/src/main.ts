import {
  closeServer, createLogger, installShutdown, isProduction, listen, loadConfigOrExit, reloadRegistryOnSignal, startOpsServer, TenantRegistry, tenantRegistryPath,
} from '@cdnlog/common';
import { configSchema } from './config';
import { createMetricsApi } from './create-metrics-api';

async function main(): Promise<void> {
  const config = loadConfigOrExit('metrics-api', configSchema);
  const logger = createLogger('metrics-api', config.LOG_LEVEL);
  const registryPath = tenantRegistryPath(config);
  // The same file as the ingest API's, under the same rules.
  const rules = { requireIngestKeys: isProduction(config) };
  const registry = TenantRegistry.load(registryPath, rules);
  const lifecycle = installShutdown(logger, [
    { name: 'http-server', run: () => closeServer(server) },
    { name: 'clients', run: () => api.close() },
    { name: 'ops-server', run: () => closeServer(ops) },
  ]);
  const api = await createMetricsApi(config, { logger, registry, isShuttingDown: lifecycle.isShuttingDown });
  reloadRegistryOnSignal({ registry, path: registryPath, rules, logger, metrics: api.metrics });
  const ops = await startOpsServer({ ...api.ops, port: config.OPS_PORT, host: config.OPS_HOST, isShuttingDown: lifecycle.isShuttingDown, logger });
  const server = await listen(api.app, config.PORT);
  logger.info('metrics-api started', { port: config.PORT, opsPort: config.OPS_PORT, tenants: registry.size, registry: registryPath });
}

main().catch((err) => {
  process.stderr.write(`metrics-api failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
