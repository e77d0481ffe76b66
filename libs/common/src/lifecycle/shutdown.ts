import type { Logger } from '../logging/logger';
import { errorFields } from '../logging/logger';

export interface ShutdownStep {
  name: string;
  run: () => Promise<void>;
}

/**
 * Graceful shutdown on SIGTERM / SIGINT: run the steps in the given order
 * (stop intake first, then flush, then close clients), each awaited, behind a
 * force-exit timer so a stuck step cannot keep the process alive forever.
 * Returns `isShuttingDown` for readiness checks and a `shutdown` for tests.
 */
export function installShutdown(logger: Logger, steps: ShutdownStep[], forceExitAfterMs = 25_000) {
  let shuttingDown = false;
  let done: Promise<void> | undefined;

  const shutdown = (reason: string): Promise<void> => {
    if (done) return done;
    shuttingDown = true;
    logger.info('shutdown started', { reason });
    const timer = setTimeout(() => {
      logger.error('shutdown timed out, forcing exit', { forceExitAfterMs });
      process.exit(1);
    }, forceExitAfterMs);
    timer.unref();
    done = (async () => {
      for (const step of steps) {
        try {
          await step.run();
          logger.info('shutdown step finished', { step: step.name });
        } catch (err) {
          logger.error('shutdown step failed', { step: step.name, ...errorFields(err) });
        }
      }
      clearTimeout(timer);
      logger.info('shutdown complete');
    })();
    return done;
  };

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void shutdown(signal).then(() => process.exit(0));
    });
  }
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled promise rejection', errorFields(reason));
  });

  return { isShuttingDown: () => shuttingDown, shutdown };
}
