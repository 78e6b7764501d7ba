import type { DatabaseTarget } from '@app/config';
import type { Pool } from 'pg';
import { DataSource, type EntitySchema, MigrationExecutor, type MixedList } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { EmbeddedPostgres } from './embedded-postgres';

// Any constant works; it only has to be the same for every instance of this app.
const MIGRATION_LOCK_KEY = 724_011_2026;

export interface DataSourceOptions {
  readonly target: DatabaseTarget;
  readonly embedded?: EmbeddedPostgres;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly migrations: MixedList<Function | string>;
  readonly poolMax?: number;
}

export function createDataSource(options: DataSourceOptions): DataSource {
  const connection =
    options.target.kind === 'postgres'
      ? { url: options.target.url }
      : { host: 'embedded', username: 'postgres', database: 'postgres' };
  const embedded = options.embedded;
  return new DataSource({
    type: 'postgres',
    ...connection,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTransactionMode: 'each',
    synchronize: false,
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    logging: false,
    extra: {
      // PGlite is one session its worker hands to one connection at a time: two are enough, the
      // append log's own and one for everything else.
      max: options.target.kind === 'postgres' ? (options.poolMax ?? 10) : 2,
      connectionTimeoutMillis: 3_000,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      ...(embedded ? { stream: () => embedded.socket() } : {}),
    },
  });
}

/** The pg pool behind a data source (undefined before it is initialised). */
export function pgPoolOf(dataSource: DataSource): Pool | undefined {
  return (dataSource.driver as PostgresDriver).master as Pool | undefined;
}

/**
 * Runs pending migrations. On PostgreSQL, instances starting together queue on an advisory lock;
 * the embedded database serves one app and no advisory locks are needed (or used) there.
 */
export async function migrate(dataSource: DataSource, target: DatabaseTarget): Promise<void> {
  if (target.kind !== 'postgres') {
    await dataSource.runMigrations({ transaction: 'each' });
    return;
  }
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    // On the locked connection itself: a second one would deadlock a pool of one.
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'each';
    await executor.executePendingMigrations();
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}
