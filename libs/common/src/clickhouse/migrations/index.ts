import { enrichedLogs } from './0001-enriched-logs';
import { minuteRollups } from './0002-minute-rollups';
import type { Migration } from './migration';

/** All migrations, in version order. Append new ones; never edit an applied one. */
export const MIGRATIONS: Migration[] = [enrichedLogs, minuteRollups];
