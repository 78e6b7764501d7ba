import { type Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';

/** Rows one pruning statement deletes at most: each stays brief beside the requests it runs among. */
export const PRUNE_BATCH = 5000;
const PRUNE_INTERVAL_MS = 3600_000;

/** Repeats a pruning statement until one deletes fewer than PRUNE_BATCH rows; answers how many in all. */
export async function pruneInBatches(batch: () => Promise<number>): Promise<number> {
  let pruned = 0;
  for (;;) {
    const deleted = await batch();
    pruned += deleted;
    if (deleted < PRUNE_BATCH) return pruned;
  }
}

/** pruneInBatches for each key in turn (a tool, a webhook), each through its own index; answers how many in all. */
export async function pruneEachInBatches<K>(keys: readonly K[], batch: (key: K) => Promise<number>): Promise<number> {
  let pruned = 0;
  for (const key of keys) pruned += await pruneInBatches(() => batch(key));
  return pruned;
}

/** How many rows a `DELETE` run through DataSource.query removed (PostgreSQL answers [rows, count]). */
export function deletedCount(result: unknown): number {
  return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
}

/**
 * Rows kept for a number of days: pruned at start and hourly, unless the period is 0 (kept
 * forever). A failed pruning is logged and tried again at the next turn.
 */
export abstract class HourlyRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;

  protected constructor(
    private readonly logger: Logger,
    private readonly days: number,
  ) {}

  /** Deletes what is older than `days`; answers how many rows. */
  protected abstract pruneOlderThan(days: number): Promise<number>;

  onApplicationBootstrap(): void {
    if (this.days === 0) return;
    this.timer = setInterval(() => void this.prune(), PRUNE_INTERVAL_MS);
    this.timer.unref();
    void this.prune();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async prune(): Promise<number> {
    if (this.days === 0) return 0;
    try {
      return await this.pruneOlderThan(this.days);
    } catch (error) {
      this.logger.warn(`retention not applied: ${(error as Error).message}`);
      return 0;
    }
  }
}
