import type { DatabaseTarget } from '@app/config';
import { Client, type Pool } from 'pg';
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
  /** How long a query may wait for its answer before it fails and its connection is destroyed (none when unset). */
  readonly queryTimeoutMs?: number;
}

/** pg's error for a query that had no answer within `query_timeout`. */
export const QUERY_TIMEOUT_MESSAGE = 'Query read timeout';

/**
 * The query deadline for a request deadline: half of it, so a request whose query has no answer
 * still has time to answer 503 (and the append log to take a fresh connection) before it expires.
 */
export function queryTimeoutFor(requestTimeoutMs: number): number {
  return Math.max(1, Math.floor(requestTimeoutMs / 2));
}

export function isQueryTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === QUERY_TIMEOUT_MESSAGE;
}

interface ClientInternals {
  _queryable: boolean;
  connection: { stream: { destroy(): void } };
  connectionParameters: { query_timeout?: number | false };
}

/**
 * A pg client whose connection is destroyed when a query outlives `query_timeout`. pg alone only
 * fails the query: the connection keeps waiting for the lost answer with the query still active,
 * so every later query on it (the pool would hand it out again) waits forever behind it. A link
 * that went silent (no FIN, no RST) is found this way long before TCP keepalive would.
 */
export class DeadlineClient extends Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's query() has a dozen overloads; this forwards them all.
  override query(...args: any[]): any {
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const callback = args[last] as (error: unknown, result: unknown) => void;
      args[last] = (error: unknown, result: unknown): void => {
        if (isQueryTimeout(error)) this.abandon();
        callback(error, result);
      };
    }
    const result: unknown = super.query(...(args as [string]));
    if (result instanceof Promise) {
      // Attached before the caller's handlers: the client is unusable before anyone can release it.
      result.then(undefined, (error: unknown) => {
        if (isQueryTimeout(error)) this.abandon();
      });
    }
    return result;
  }

  /** Marks the client unusable at once (the pool then discards it on release) and closes its socket. */
  private abandon(): void {
    const internals = this as unknown as ClientInternals;
    if (!internals._queryable) return;
    // The flag pg itself clears on a connection error, and pg-pool reads on release.
    internals._queryable = false;
    internals.connection.stream.destroy();
  }
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
      ...(options.queryTimeoutMs ? { query_timeout: options.queryTimeoutMs, Client: DeadlineClient } : {}),
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
  const postgres = target.kind === 'postgres';
  const runner = dataSource.createQueryRunner();
  let restoreDeadline = (): void => undefined;
  try {
    restoreDeadline = liftDeadline(await runner.connect());
    if (postgres) await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    // On the locked connection itself: a second one would deadlock a pool of one.
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'each';
    await executor.executePendingMigrations();
  } finally {
    if (postgres) await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    restoreDeadline();
    await runner.release();
  }
}

/**
 * A migration (building an index on a large table) may rightly take longer than a request's query:
 * its connection has no deadline until it goes back to the pool. Returns the function restoring it.
 */
function liftDeadline(connection: unknown): () => void {
  const parameters = (connection as Partial<ClientInternals>).connectionParameters;
  if (!parameters?.query_timeout) return () => undefined;
  const timeout = parameters.query_timeout;
  parameters.query_timeout = false;
  return () => {
    parameters.query_timeout = timeout;
  };
}
