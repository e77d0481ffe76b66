import {
  closeServer, createLogger, installShutdown, isProduction, listen, loadConfigOrExit, reloadRegistryOnSignal, startOpsServer, TenantRegistry, tenantRegistryPath,
} from '@cdnlog/common';
import { configSchema } from './config';
import { createIngest } from './create-ingest';

async function main(): Promise<void> {
  const config = loadConfigOrExit('ingest-api', configSchema);
  const logger = createLogger('ingest-api', config.LOG_LEVEL);
  const registryPath = tenantRegistryPath(config);
  const rules = { requireIngestKeys: isProduction(config) };
  const registry = TenantRegistry.load(registryPath, rules);
  const lifecycle = installShutdown(logger, [
    { name: 'http-server', run: () => closeServer(server) },
    { name: 'publisher-and-clients', run: () => ingest.close() },
    { name: 'ops-server', run: () => closeServer(ops) },
  ]);
  const ingest = createIngest(config, { logger, registry, isShuttingDown: lifecycle.isShuttingDown });
  await ingest.connect();
  reloadRegistryOnSignal({ registry, path: registryPath, rules, logger, metrics: ingest.metrics });
  const ops = await startOpsServer({ ...ingest.ops, port: config.OPS_PORT, host: config.OPS_HOST, isShuttingDown: lifecycle.isShuttingDown, logger });
  const server = await listen(ingest.app, config.PORT, { requestTimeoutMs: config.REQUEST_TIMEOUT_MS, onRejected: ingest.countRejected });
  logger.info('ingest-api started', { port: config.PORT, opsPort: config.OPS_PORT, tenants: registry.size, registry: registryPath, topic: ingest.topic });
}

main().catch((err) => {
  process.stderr.write(`ingest-api failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
