import { Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { type AppendEntry, AppendLog, type AppendValue, groupByShape, quotedColumns, rowsJson } from './append-log';
import type { AppendJournal } from './append-journal';
import type { AppendGroup, EmbeddedPostgres, RejectedRow } from './embedded-postgres';

// Past this many rows not yet stored, writers wait for the database (the journal and memory stay bounded).
const MAX_UNSTORED_ROWS = 20_000;

interface Ack {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

interface InFlight {
  readonly sentAt: number;
  readonly rows: number;
  readonly stored: Promise<void>;
}

/** Matches isDatabaseUnavailable: the writer's caller answers 503. */
function unavailable(cause: Error): Error {
  return Object.assign(new Error(`Connection terminated: the append journal cannot be written (${cause.message})`), { cause });
}

/**
 * The append log on the embedded database, which serves this process alone.
 *
 * The rows appended during one turn of the event loop become one unit: written to the journal
 * (when there is a data directory), then sent to the database worker, which runs everything in the
 * order it was sent. From then on the rows are durable (the journal outlives a killed process and
 * is replayed at the next start) and visible (any statement sent later runs after them), which is
 * all a writer waits for: it does not wait for the insert itself. Under load many units are in
 * flight and the worker joins adjacent ones into one transaction.
 *
 * With the throwaway `memory` database there is no journal: nothing survives the process anyway.
 */
export class EmbeddedAppendLog extends AppendLog implements BeforeApplicationShutdown {
  private readonly logger = new Logger('AppendLog');
  private turn: AppendEntry[] = [];
  private acks: Ack[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<InFlight>();
  private unstoredRows = 0;
  private failure: Error | null = null;
  private closing = false;

  constructor(
    private readonly database: EmbeddedPostgres,
    private readonly journal: AppendJournal | null,
    private readonly maxUnstoredRows = MAX_UNSTORED_ROWS,
  ) {
    super();
  }

  append(table: string, columns: readonly string[], values: readonly AppendValue[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.turn.push({ table, columns, values });
      this.acks.push({ resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.sendTurn());
      }
    });
  }

  async flush(): Promise<void> {
    this.sendTurn();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight].map((unit) => unit.stored));
  }

  async unavailable(timeoutMs: number): Promise<string | undefined> {
    const now = Date.now();
    for (const unit of this.inFlight) if (now - unit.sentAt > timeoutMs) return `append log: a write has had no answer for ${now - unit.sentAt} ms`;
    return this.failure ? `append log: ${this.failure.message}` : undefined;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
    // Rows appended from here on (the last audit entries of the shutdown) wait for the database.
    this.closing = true;
    this.journal?.close();
  }

  private sendTurn(): void {
    this.scheduled = false;
    if (this.turn.length === 0) return;
    const entries = this.turn;
    const acks = this.acks;
    this.turn = [];
    this.acks = [];
    let groups: AppendGroup[];
    let segment: number | undefined;
    try {
      groups = groupByShape(entries).map((group) => [group[0].table, quotedColumns(group[0].table, group[0].columns), rowsJson(group)] as const);
    } catch (error) {
      // A value JSON cannot carry (a BigInt, a cycle): a bug of the writer's, refused before anything is written.
      for (const ack of acks) ack.reject(error);
      return;
    }
    try {
      if (this.journal && !this.closing) segment = this.journal.write(groups);
    } catch (error) {
      this.logger.error({ err: error }, 'append journal could not be written');
      for (const ack of acks) ack.reject(unavailable(error as Error));
      return;
    }
    const stored = this.send(groups, entries.length, segment);
    if (!this.closing && this.unstoredRows <= this.maxUnstoredRows) {
      for (const ack of acks) ack.resolve();
      return;
    }
    stored.then(
      () => acks.forEach((ack) => ack.resolve()),
      (error: unknown) => acks.forEach((ack) => ack.reject(error)),
    );
  }

  /** Sends a unit to the database; resolves once it is stored (refused rows set aside), rejects when the database is gone. */
  private send(groups: AppendGroup[], rows: number, segment: number | undefined): Promise<void> {
    this.unstoredRows += rows;
    const stored = this.database.append(groups).then(
      (refused) => {
        this.failure = null;
        if (refused.length > 0) this.setAside(refused);
        if (segment !== undefined) this.journal?.stored(segment);
      },
      (error: Error) => {
        // Its journal line stays for the next start.
        this.failure = error;
        this.logger.error({ err: error, rows }, 'rows not stored: the embedded database is gone; the journal keeps them for the next start');
        throw error;
      },
    );
    const settled = stored.finally(() => {
      this.unstoredRows -= rows;
      this.inFlight.delete(unit);
    });
    const unit: InFlight = { sentAt: Date.now(), rows, stored: settled };
    this.inFlight.add(unit);
    // Writers already told the rows were stored hear nothing of a failure; the log above is it.
    settled.catch(() => undefined);
    return settled;
  }

  /** Rows the database refused after their writers heard they were stored: logged, and kept beside the journal. */
  private setAside(refused: readonly RejectedRow[]): void {
    for (const row of refused) this.logger.error({ table: row.table, code: row.code, reason: row.message }, 'the database refused an appended row');
    if (!this.journal) return;
    try {
      this.journal.keepRejected(refused);
      this.logger.error(`${refused.length} refused row(s) kept in ${this.journal.rejectedFile}`);
    } catch (error) {
      this.logger.error({ err: error, rows: refused }, 'refused rows could not be kept');
    }
  }
}
