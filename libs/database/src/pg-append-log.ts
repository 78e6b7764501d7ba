import { isDatabaseUnavailable } from '@app/common';
import type { BeforeApplicationShutdown } from '@nestjs/common';
import { DatabaseError, type PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { type AppendEntry as Entry, AppendLog, type AppendRollup, appendStatement, type AppendValue, groupByShape, quotedColumns, rollupsByTable, rowsJson } from './append-log';
import { isQueryTimeout, pgPoolOf } from './data-source.factory';
import { GroupCommitWriter } from './group-commit.writer';

// A batch's SQL depends only on which tables and columns it holds: a handful of shapes in all.
const MAX_PREPARED_SHAPES = 32;
// Module-wide, so two logs on one embedded database never pick the same name either.
let connectionsTagged = 0;

const CONNECT_TIMEOUT = /timeout exceeded when trying to connect/;

function spentDeadline(error: unknown): boolean {
  return isQueryTimeout(error) || (error instanceof Error && CONNECT_TIMEOUT.test(error.message));
}

/**
 * The append log on PostgreSQL, where other instances read the same tables: rows are committed
 * together, one statement per batch, its INSERTs chained as data-modifying CTEs, so a tool run's
 * audit entry and its history row share one round trip and one commit. `append` resolves once its
 * row is committed.
 *
 * Each table's rows travel as one JSON parameter expanded by `json_populate_recordset`: binding
 * hundreds of parameters one by one cost more, on both sides of the wire, than the rows themselves.
 *
 * Each shape of batch is a prepared statement, parsed and planned once per connection: on the
 * embedded database that takes a lone run's commit from about 1.0 ms to 0.6 ms.
 */
export class PgAppendLog extends AppendLog implements BeforeApplicationShutdown {
  private readonly writer: GroupCommitWriter<Entry>;
  private readonly shapes = new Map<string, number>();
  // Names are per connection: the embedded database is one session that outlives its client
  // connections, so a reconnected client must not reuse a name an earlier one prepared.
  private readonly connectionTags = new WeakMap<PoolClient, string>();
  // The log keeps a connection of its own: a batch is then sent the moment the previous one
  // commits, not after a pool checkout (which waits for every answer that commit released).
  private client: PoolClient | null = null;
  private readonly checkedOut = new Map<PoolClient, (error?: Error) => void>();
  private closing = false;
  // What readiness needs to know without a round trip: when the batch in flight was sent, and the
  // reason the last statement could not reach the database (cleared by the next one that does).
  private sentAt: number | null = null;
  private failure: Error | null = null;
  private probing: Promise<void> | null = null;
  private readonly rollups: ReadonlyMap<string, AppendRollup>;

  constructor(
    private readonly dataSource: DataSource,
    rollups: readonly AppendRollup[] = [],
  ) {
    super();
    this.rollups = rollupsByTable(rollups);
    // A batch that waited out a deadline (its answer's, or a connection's) is not retried: a retry
    // would wait as long again and its writers' requests would expire before they hear a 503.
    this.writer = new GroupCommitWriter('AppendLog', (entries) => this.insert(entries), undefined, (error) => !spentDeadline(error));
  }

  append(table: string, columns: readonly string[], values: readonly AppendValue[]): Promise<void> {
    return this.writer.write({ table, columns, values });
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  /**
   * Why the log cannot write now, or undefined when it can: a batch without an answer for longer
   * than `timeoutMs`, or the last statement's failure to reach the database. After a failure, the
   * log checks on its own connection (rows stop arriving while readiness fails, so no write would
   * tell it that the database is back); otherwise it answers from what it knows, without a query.
   */
  async unavailable(timeoutMs: number): Promise<string | undefined> {
    const sentAt = this.sentAt;
    if (sentAt !== null && Date.now() - sentAt > timeoutMs) return `append log: a write has had no answer for ${Date.now() - sentAt} ms`;
    if (!this.failure) return undefined;
    this.probing ??= this.run('SELECT 1', [], false)
      .catch(() => undefined)
      .finally(() => (this.probing = null));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.probing, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    return this.failure ? `append log: ${this.failure.message}` : undefined;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
    // From here on each batch borrows a connection and returns it, so the pool can close.
    this.closing = true;
    if (this.client) this.giveBack(this.client);
  }

  private async insert(entries: Entry[]): Promise<void> {
    const groups = groupByShape(entries);
    const sql = appendStatement(
      groups.map((group) => ({ table: group[0].table, quoted: quotedColumns(group[0].table, group[0].columns) })),
      this.rollups,
    );
    await this.run(sql, groups.map(rowsJson), true);
  }

  private async run(sql: string, parameters: string[], batch: boolean): Promise<void> {
    let client: PoolClient | undefined;
    try {
      client = this.client ?? (await this.connect());
      if (batch) this.sentAt = Date.now();
      await client.query({ name: batch ? this.statementName(client, sql) : undefined, text: sql, values: parameters });
      this.failure = null;
    } catch (error) {
      if (isDatabaseUnavailable(error)) this.failure = error instanceof Error ? error : new Error('database unavailable');
      // A SQL error leaves the connection usable; anything else (a lost connection, a query that
      // timed out, its connection destroyed) does not: the pool must discard it, never hand it out again.
      if (client && !(error instanceof DatabaseError)) this.giveBack(client, error instanceof Error ? error : true);
      throw error;
    } finally {
      if (batch) this.sentAt = null;
      if (client && this.client !== client) this.giveBack(client);
    }
  }

  private async connect(): Promise<PoolClient> {
    const pool = pgPoolOf(this.dataSource);
    if (!pool) throw new Error('The database is not initialised');
    const client = await pool.connect();
    // A checked-out client's errors are its holder's to handle; unhandled, they would end the process.
    const lost = (error?: Error): void => this.giveBack(client, error ?? true);
    client.on('error', lost);
    client.on('end', lost);
    this.checkedOut.set(client, lost);
    // Holding the only connection of a pool of one would starve every other query.
    if (!this.closing && (pool.options.max ?? 10) > 1) this.client = client;
    return client;
  }

  /** Returns the connection to the pool, destroyed if it failed, so the next batch takes a fresh one. */
  private giveBack(client: PoolClient, failure?: Error | true): void {
    const lost = this.checkedOut.get(client);
    if (!lost) return;
    this.checkedOut.delete(client);
    client.off('error', lost);
    client.off('end', lost);
    if (this.client === client) this.client = null;
    client.release(failure);
  }

  /** The prepared statement's name on this connection; undefined (unnamed) for an unexpected shape. */
  private statementName(client: PoolClient, sql: string): string | undefined {
    let shape = this.shapes.get(sql);
    if (shape === undefined) {
      if (this.shapes.size >= MAX_PREPARED_SHAPES) return undefined;
      shape = this.shapes.size;
      this.shapes.set(sql, shape);
    }
    let tag = this.connectionTags.get(client);
    if (tag === undefined) {
      tag = String(++connectionsTagged);
      this.connectionTags.set(client, tag);
    }
    return `append_log_${tag}_${shape}`;
  }
}
