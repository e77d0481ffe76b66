import { identifier } from './sql';

/**
 * Every ClickHouse table name, in one place, qualified with the database.
 * In `replicated` schema mode the names here are the Distributed tables that
 * queries and inserts use; the storage tables are `<name>_local`.
 */
export interface Tables {
  database: string;
  migrations: string;
  enrichedLogs: string;
  minuteRollups: string;
}

export function tablesFor(database: string): Tables {
  const db = identifier(database);
  return {
    database: db,
    migrations: `${db}.schema_migrations`,
    enrichedLogs: `${db}.enriched_logs`,
    minuteRollups: `${db}.minute_rollups`,
  };
}
