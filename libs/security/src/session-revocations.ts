import { EventBus } from '@app/events';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';

declare module '@app/events' {
  interface EventMap {
    'session.revoked': { sessionIds: string[]; until: number };
  }
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * Sessions whose tokens are refused, held in memory so the check on every request is a map
 * lookup. Revocations travel to every instance on the event bus (Redis pub/sub when configured);
 * the sessions lib also reloads them from the database at start and periodically.
 */
@Injectable()
export class SessionRevocations implements OnModuleDestroy {
  private readonly revoked = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(private readonly events: EventBus) {
    this.unsubscribe = events.on('session.revoked', (event) => this.remember(event.payload.sessionIds, event.payload.until));
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  isRevoked(sessionId: string): boolean {
    const until = this.revoked.get(sessionId);
    return until !== undefined && until > Date.now();
  }

  /** Refuses the sessions here at once and tells every other instance. `until`: epoch ms. */
  async revoke(sessionIds: readonly string[], until: number): Promise<void> {
    if (sessionIds.length === 0) return;
    this.remember(sessionIds, until);
    await this.events.publishAndWait('session.revoked', { sessionIds: [...sessionIds], until });
  }

  remember(sessionIds: readonly string[], until: number): void {
    for (const id of sessionIds) this.revoked.set(id, Math.max(until, this.revoked.get(id) ?? 0));
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
    this.unsubscribe();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, until] of this.revoked) if (until <= now) this.revoked.delete(id);
  }
}
