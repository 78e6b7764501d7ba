import type { RequestOrigin } from '@app/common';
import { AppConfig } from '@app/config';
import { EventBus } from '@app/events';
import { SessionRevocations } from '@app/security';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { type ConnectionType, SessionEntity } from './session.entity';

declare module '@app/events' {
  interface EventMap {
    'session.terminated': { sessionId: string; userId: string; reason: string };
  }
}

const RECONCILE_INTERVAL_MS = 30_000;
// Clocks on different instances disagree a little; keep refusing a bit past expiry.
const CLOCK_SKEW_MS = 60_000;

export interface StartSession {
  readonly userId: string;
  readonly connectionType: ConnectionType;
  readonly origin: RequestOrigin;
  readonly ttlSeconds: number;
  readonly contextId?: string | null;
}

@Injectable()
export class SessionsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Sessions');
  private readonly sessions: Repository<SessionEntity>;
  private reconciler?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly revocations: SessionRevocations,
    private readonly events: EventBus,
  ) {
    this.sessions = dataSource.getRepository(SessionEntity);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.reconcile();
    this.reconciler = setInterval(() => void this.reconcile(), RECONCILE_INTERVAL_MS);
    this.reconciler.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.reconciler);
  }

  start(input: StartSession): Promise<SessionEntity> {
    return this.sessions.save(
      this.sessions.create({
        userId: input.userId,
        connectionType: input.connectionType,
        contextId: input.contextId ?? null,
        ipAddress: input.origin.ipAddress ?? null,
        userAgent: input.origin.userAgent ?? null,
        expiresAt: new Date(Date.now() + input.ttlSeconds * 1000),
      }),
    );
  }

  /** The session if it is still usable (active and not past its expiry). */
  async findActive(sessionId: string): Promise<SessionEntity | null> {
    const session = await this.sessions.findOne({ where: { id: sessionId, status: 'active' } });
    return session && session.expiresAt.getTime() > Date.now() ? session : null;
  }

  /**
   * Ends a session: its tokens are refused from the next request on, on every instance.
   * Returns false when it was not active (already ended, or unknown).
   */
  async end(sessionId: string, reason: string): Promise<boolean> {
    const result = await this.sessions
      .createQueryBuilder()
      .update()
      .set({ status: 'terminated', endedAt: () => 'now()', endReason: reason.slice(0, 100) })
      .where('id = :sessionId AND status = :active', { sessionId, active: 'active' })
      .returning('id, user_id')
      .execute();
    const ended = result.raw as Array<{ id: string; user_id: string }>;
    if (ended.length === 0) return false;
    await this.revocations.revoke([sessionId], this.revokedUntil());
    this.events.publish('session.terminated', { sessionId, userId: ended[0].user_id, reason });
    return true;
  }

  /** How long a revoked session must stay refused: until its last access token has expired. */
  private revokedUntil(): number {
    return Date.now() + this.config.accessTokenTtlSeconds * 1000 + CLOCK_SKEW_MS;
  }

  /** Reloads recent revocations, so a new instance or one that missed an event still refuses them. */
  private async reconcile(): Promise<void> {
    try {
      const windowSeconds = this.config.accessTokenTtlSeconds + CLOCK_SKEW_MS / 1000;
      const rows: Array<{ id: string; ended_at: Date }> = await this.dataSource.query(
        `SELECT id, ended_at FROM sessions WHERE status <> 'active' AND ended_at > now() - make_interval(secs => $1)`,
        [windowSeconds],
      );
      for (const row of rows) {
        this.revocations.remember([row.id], new Date(row.ended_at).getTime() + this.config.accessTokenTtlSeconds * 1000 + CLOCK_SKEW_MS);
      }
    } catch (error) {
      this.logger.warn(`could not reload revoked sessions: ${(error as Error).message}`);
    }
  }
}
