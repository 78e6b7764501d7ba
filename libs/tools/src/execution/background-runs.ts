import type { EventBus } from '@app/events';
import { RequestCancellation } from '@app/rpc';

declare module '@app/events' {
  interface EventMap {
    /** A background run was cancelled (its row already says so): whichever instance runs it stops it. */
    'tool.run.cancelled': { executionId: string; reason: string };
  }
}

/** How long word of a cancellation that found no run here is kept: a run claimed just before it may not be registered yet. */
const EARLY_WORD_MS = 60_000;
const EARLY_WORD_MAX = 10_000;

/**
 * The background runs (`options.async`, MCP tasks) this instance is running, each with the
 * cancellation the engine listens to. A cancellation reaches them from any instance as an event.
 */
export class BackgroundRuns {
  private readonly running = new Map<string, RequestCancellation>();
  /** Cancellations heard before their run began here, oldest first. */
  private readonly early = new Map<string, { readonly reason: string; readonly at: number }>();
  private readonly unsubscribe: () => void;

  constructor(events: EventBus) {
    this.unsubscribe = events.on('tool.run.cancelled', (event) => this.stop(event.payload.executionId, event.payload.reason));
  }

  /** The run's cancellation; already cancelled when the word came first. */
  begin(executionId: string): RequestCancellation {
    const cancellation = new RequestCancellation();
    this.running.set(executionId, cancellation);
    const early = this.early.get(executionId);
    if (early) {
      this.early.delete(executionId);
      cancellation.cancel(early.reason);
    }
    return cancellation;
  }

  end(executionId: string): void {
    this.running.delete(executionId);
  }

  close(): void {
    this.unsubscribe();
    this.running.clear();
    this.early.clear();
  }

  private stop(executionId: string, reason: string): void {
    const run = this.running.get(executionId);
    if (run) {
      run.cancel(reason);
      return;
    }
    const now = Date.now();
    for (const [id, word] of this.early) {
      if (now - word.at <= EARLY_WORD_MS && this.early.size < EARLY_WORD_MAX) break;
      this.early.delete(id);
    }
    this.early.set(executionId, { reason, at: now });
  }
}
