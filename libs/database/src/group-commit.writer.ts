import { isDatabaseUnavailable } from '@app/common';
import { Logger } from '@nestjs/common';

interface Pending<T> {
  readonly row: T;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

const DEFAULT_MAX_BATCH = 500;
const RETRY_DELAYS_MS = [50, 250];

/**
 * Group commit for append-only rows: whatever arrives while one INSERT is in flight goes into the
 * next one, and `write` resolves only once the row's batch is committed. Under load, one statement
 * carries many rows; alone, a row goes at once. A failed batch is retried, then rejected.
 */
export class GroupCommitWriter<T> {
  private readonly logger: Logger;
  private queue: Array<Pending<T>> = [];
  private draining: Promise<void> | null = null;

  constructor(
    name: string,
    private readonly insertBatch: (rows: T[]) => Promise<void>,
    private readonly maxBatch = DEFAULT_MAX_BATCH,
    private readonly retryable: (error: unknown) => boolean = () => true,
  ) {
    this.logger = new Logger(name);
  }

  write(row: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      // Rows written in the same tick join one batch.
      if (!this.draining) this.draining = Promise.resolve().then(() => this.drain());
    });
  }

  /** Resolves when everything written so far is committed (or has failed). */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      let current = this.startBatch();
      while (current) {
        const { batch, written } = current;
        try {
          await written;
        } catch (error) {
          await this.settleFailed(batch, error);
          // The rows queued while it failed would meet the same unreachable database: they fail
          // now, with the same error, instead of each batch waiting out its own deadline.
          if (isDatabaseUnavailable(error)) this.rejectQueued(error);
          current = this.startBatch();
          continue;
        }
        // The next batch goes to the database before this one's writers carry on: their answers
        // are then written while it commits, instead of the database waiting for them.
        current = this.startBatch();
        for (const pending of batch) pending.resolve();
      }
    } finally {
      this.draining = null;
    }
  }

  /** Takes the next batch off the queue and starts writing it (its statement is sent before this returns when the insert can). */
  private startBatch(): { batch: Array<Pending<T>>; written: Promise<void> } | null {
    if (this.queue.length === 0) return null;
    const batch = this.queue.splice(0, this.maxBatch);
    return { batch, written: this.insertWithRetry(batch.map((pending) => pending.row)) };
  }

  private async settleFailed(batch: Array<Pending<T>>, error: unknown): Promise<void> {
    if (batch.length > 1 && !isDatabaseUnavailable(error)) {
      // One bad row must not fail its neighbours: write them one by one.
      await this.writeOneByOne(batch);
      return;
    }
    this.logger.error({ err: error, rows: batch.length }, 'batch could not be written');
    for (const pending of batch) pending.reject(error);
  }

  private rejectQueued(error: unknown): void {
    const queued = this.queue.splice(0);
    if (queued.length > 0) this.logger.error({ err: error, rows: queued.length }, 'queued rows not written: the database is unavailable');
    for (const pending of queued) pending.reject(error);
  }

  private async writeOneByOne(batch: Array<Pending<T>>): Promise<void> {
    for (const pending of batch) {
      try {
        await this.insertBatch([pending.row]);
        pending.resolve();
      } catch (error) {
        this.logger.error({ err: error }, 'row could not be written');
        pending.reject(error);
      }
    }
  }

  private async insertWithRetry(rows: T[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.insertBatch(rows);
        return;
      } catch (error) {
        if (attempt >= RETRY_DELAYS_MS.length || !this.retryable(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
      }
    }
  }
}
