import type { Logger } from '../logging/logger';
import type { Metrics } from '../metrics/registry';
import { type RegistryRules, TenantRegistry, TenantRegistryError } from './registry';

export interface RegistryReloadOptions {
  registry: TenantRegistry;
  path: string;
  /** The rules the registry was loaded with at start. */
  rules?: RegistryRules;
  logger: Logger;
  metrics: Metrics;
  signal?: NodeJS.Signals;
  /** Where the signal is listened for (tests pass an emitter); default: the process. */
  emitter?: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
}

/**
 * Re-read the tenant registry file on a signal (SIGHUP by default), so keys can
 * be added, rotated and revoked without a restart. The new file is checked
 * whole before it replaces the registry in use: a file that cannot be read, is
 * not valid JSON, breaks the schema or lists no tenant (a half-written file, most
 * likely) is refused, logged, counted, and the previous registry stays in force.
 * Returns a function that stops listening.
 */
export function reloadRegistryOnSignal(opts: RegistryReloadOptions): () => void {
  const { registry, path, logger } = opts;
  const reloads = opts.metrics.counter('tenant_registry_reloads_total', 'Tenant registry reloads (on SIGHUP) by outcome: ok or refused', ['outcome']);
  const reload = (): void => {
    try {
      const next = TenantRegistry.load(path, opts.rules);
      if (next.size === 0) throw new TenantRegistryError(`tenant registry ${path} lists no tenants`);
      registry.replaceWith(next);
      reloads.inc({ outcome: 'ok' });
      logger.info('tenant registry reloaded', { path, tenants: next.size });
    } catch (err) {
      reloads.inc({ outcome: 'refused' });
      logger.error('tenant registry reload refused; the previous registry stays in force', { path, error: (err as Error).message });
    }
  };
  const emitter = opts.emitter ?? process;
  const signal = opts.signal ?? 'SIGHUP';
  emitter.on(signal, reload);
  return () => emitter.off(signal, reload);
}
