import winston from 'winston';

export type Logger = winston.Logger;

/**
 * JSON lines on stdout, one per event, with the service name on every line.
 * Callers add context as fields (`{ tenant, topic, partition, offset }`), never
 * inside the message text, so logs can be filtered by tenant or batch.
 */
export function createLogger(service: string, level = 'info'): Logger {
  return winston.createLogger({
    level: level === 'silent' ? 'error' : level,
    silent: level === 'silent',
    defaultMeta: { service },
    format: winston.format.combine(
      winston.format.timestamp(),
      winston.format.errors({ stack: true }),
      winston.format.json(),
    ),
    transports: [new winston.transports.Console({ stderrLevels: [] })],
  });
}

/** Turn anything thrown into loggable fields. */
export function errorFields(err: unknown): { error: string; code?: string; stack?: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { error: err.message, ...(typeof code === 'string' ? { code } : {}), stack: err.stack };
  }
  return { error: String(err) };
}
