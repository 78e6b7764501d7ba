import { EventBus } from '@app/events';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';

declare module '@app/events' {
  interface EventMap {
    'session.revoked': { sessionIds: string[]; until: number };
    /** The user's tokens issued before `before` (epoch ms) are refused: rights changed. */
    'user.tokens.revoked': { userId: string; before: number };
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
  private readonly userFloors = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(private readonly events: EventBus) {
    const offSessions = events.on('session.revoked', (event) => this.remember(event.payload.sessionIds, event.payload.until));
    const offUsers = events.on('user.tokens.revoked', (event) => this.rememberFloor(event.payload.userId, event.payload.before));
    this.unsubscribe = () => {
      offSessions();
      offUsers();
    };
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

  /**
   * Refuses every token of the user issued before `before` (epoch ms), everywhere: their roles or
   * status changed, and tokens carry the old rights. A refresh issues tokens with the new ones.
   */
  async revokeUserTokens(userId: string, before: number): Promise<void> {
    this.rememberFloor(userId, before);
    await this.events.publishAndWait('user.tokens.revoked', { userId, before });
  }

  rememberFloor(userId: string, before: number): void {
    this.userFloors.set(userId, Math.max(before, this.userFloors.get(userId) ?? 0));
  }

  /** True when a token issued at `issuedAtMs` predates the user's latest change of rights. */
  issuedBeforeFloor(userId: string, issuedAtMs: number): boolean {
    const floor = this.userFloors.get(userId);
    return floor !== undefined && issuedAtMs < floor;
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
