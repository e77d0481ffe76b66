import { z } from 'zod';

/** Reusable, strictly validated config fields. Each message says what is expected. */

export const port = (fallback: number) =>
  z.coerce
    .number({ message: 'must be a TCP port number' })
    .int('must be an integer port')
    .min(1, 'must be a port between 1 and 65535')
    .max(65535, 'must be a port between 1 and 65535')
    .default(fallback);

export const positiveInt = (fallback: number) =>
  z.coerce.number({ message: 'must be a number' }).int('must be an integer').positive('must be > 0').default(fallback);

export const nonNegativeInt = (fallback: number) =>
  z.coerce.number({ message: 'must be a number' }).int('must be an integer').min(0, 'must be >= 0').default(fallback);

export const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .default(fallback);

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$/;

function splitHostPorts(raw: string, ctx: z.RefinementCtx): string[] {
  const entries = raw.split(',').map((s) => s.trim());
  for (const entry of entries) {
    const at = entry.lastIndexOf(':');
    const host = at > 0 ? entry.slice(0, at) : '';
    const portText = at > 0 ? entry.slice(at + 1) : '';
    const portNumber = Number(portText);
    if (!HOST.test(host) || !/^\d{1,5}$/.test(portText) || portNumber < 1 || portNumber > 65535) {
      ctx.addIssue({ code: 'custom', message: `must be a comma-separated list of host:port (bad entry ${JSON.stringify(entry)})` });
      return [];
    }
  }
  return entries;
}

/** `host:port[,host:port...]` → string[]; every entry must have a host and a valid port. */
export const brokerList = (fallback: string) => z.string().default(fallback).transform(splitHostPorts);

/** Like brokerList, but unset means "not used". */
export const optionalHostPortList = () =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => (raw === undefined ? undefined : splitHostPorts(raw, ctx)));

export const httpUrl = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((v) => /^https?:\/\/[^\s/]+(\/.*)?$/.test(v), 'must be an http(s) URL such as http://127.0.0.1:8123');

export const redisUrl = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((v) => /^rediss?:\/\/[^\s]+$/.test(v), 'must be a redis:// or rediss:// URL');

/** ClickHouse database / table names: they end up in SQL, so only a strict identifier passes. */
export const identifier = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((v) => /^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(v), 'must be an identifier: letters, digits and _, not starting with a digit');

/** Kafka topic / group names. */
export const kafkaName = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((v) => /^[A-Za-z0-9._-]{1,200}$/.test(v), 'must be 1-200 characters of letters, digits, ".", "_" or "-"');

export const logLevel = () =>
  z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'], { message: 'must be one of error, warn, info, debug' }).default('info');
