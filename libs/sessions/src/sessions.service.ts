import { AuditWriter } from '@app/audit';
import { ApiError, type RequestOrigin } from '@app/common';
import { AppConfig } from '@app/config';
import { AppendLog, cappedListPage, pageWindow } from '@app/database';
import type { ListSessionsQueryDto, Session, SessionList, SessionTerminated } from '@app/contracts';
import { EventBus } from '@app/events';
import { type AuthenticatedUser, isAdmin, SessionRevocations } from '@app/security';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type Repository, type SelectQueryBuilder } from 'typeorm';
import { type ConnectionType, SessionEntity } from './session.entity';

declare module '@app/events' {
  interface EventMap {
    'session.terminated': { sessionId: string; userId: string; reason: string };
  }
}

const RECONCILE_INTERVAL_MS = 30_000;
const EXPIRY_INTERVAL_MS = 60_000;
const EXPIRY_BATCH = 1_000;
const RETENTION_DAYS = 30;
const DEFAULT_PAGE_SIZE = 20;
// Clocks on different instances disagree a little; keep refusing a bit past expiry.
const CLOCK_SKEW_MS = 60_000;

export function sessionView(session: SessionEntity): Session {
  return {
    id: session.id,
    userId: session.userId,
    contextId: session.contextId,
    status: session.status,
    connectionType: session.connectionType,
    ipAddress: session.ipAddress,
    userAgent: session.userAgent,
    startedAt: session.startedAt.toISOString(),
    lastActivity: session.lastActivity.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    endedAt: session.endedAt?.toISOString() ?? null,
    endReason: session.endReason,
    oauthClient: session.oauthClientId ? { id: session.oauthClientId, name: session.oauthClientName } : null,
    metrics: { messagesReceived: session.messagesReceived, messagesSent: session.messagesSent, toolExecutions: session.toolExecutions, errors: session.errors },
  };
}

/** Sessions whose id is the `sid` of tokens: only their end needs refusing tokens everywhere. */
const TOKEN_SESSIONS: ReadonlySet<string> = new Set<ConnectionType>(['http']);

interface EndedSession {
  readonly id: string;
  readonly user_id: string;
  readonly connection_type: string;
}

const SESSION_COLUMNS = ['id', 'user_id', 'status', 'connection_type', 'context_id', 'protocol_version', 'client_capabilities', 'ip_address', 'user_agent', 'started_at', 'last_activity', 'expires_at', 'oauth_client_id', 'oauth_client_name', 'sign_in_method'];

export interface StartSession {
  readonly userId: string;
  readonly connectionType: ConnectionType;
  readonly origin: RequestOrigin;
  readonly ttlSeconds: number;
  readonly contextId?: string | null;
  readonly protocolVersion?: string | null;
  readonly clientCapabilities?: Record<string, unknown> | null;
  /** The OAuth client signing the user in, if one is. */
  readonly oauthClient?: { readonly id: string; readonly name: string | null } | null;
  /** How a login proved who the user is; door sessions leave it out. */
  readonly signInMethod?: string;
}

@Injectable()
export class SessionsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Sessions');
  private readonly sessions: Repository<SessionEntity>;
  private reconciler?: NodeJS.Timeout;
  private expirer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly revocations: SessionRevocations,
    private readonly events: EventBus,
    private readonly audit: AuditWriter,
    private readonly log: AppendLog,
  ) {
    this.sessions = dataSource.getRepository(SessionEntity);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.reconcile();
    this.reconciler = setInterval(() => void this.reconcile(), RECONCILE_INTERVAL_MS);
    this.reconciler.unref();
    this.expirer = setInterval(() => void this.expireAndPrune(), EXPIRY_INTERVAL_MS);
    this.expirer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.reconciler);
    clearInterval(this.expirer);
  }

  async list(caller: AuthenticatedUser, query: ListSessionsQueryDto): Promise<SessionList> {
    const admin = isAdmin(caller);
    if (query.userId && !admin) throw ApiError.forbidden('Only admins may list other users\u2019 sessions');
    const window = pageWindow(query, DEFAULT_PAGE_SIZE);
    const userId = admin ? query.userId : caller.id;
    const filtered = (): SelectQueryBuilder<SessionEntity> => {
      const builder = this.sessions.createQueryBuilder('s');
      if (userId) builder.andWhere('s.userId = :userId', { userId });
      if (query.status) builder.andWhere('s.status = :status', { status: query.status });
      if (query.connectionType) builder.andWhere('s.connectionType = :connectionType', { connectionType: query.connectionType });
      return builder;
    };
    const { rows, pagination } = await cappedListPage(filtered, 's', 'started_at', window);
    return { sessions: rows.map(sessionView), pagination };
  }

  /** Ends a session for its owner or an admin; anyone else gets 404, an ended one 409, an application another session than its own 403. */
  async terminate(caller: AuthenticatedUser, sessionId: string, origin: RequestOrigin): Promise<SessionTerminated> {
    const session = await this.sessions.findOne({ where: { id: sessionId } });
    if (!session || (session.userId !== caller.id && !isAdmin(caller))) throw ApiError.notFound('Session');
    // An application signs itself out; signing the user out of everything else is not within a grant.
    if (caller.clientId !== undefined && sessionId !== caller.sessionId) {
      throw ApiError.forbidden('A token an application holds ends only its own session; other sessions are ended with a login session of the account itself');
    }
    if (!(await this.end(sessionId, caller.id === session.userId ? 'terminated by its user' : 'terminated by an admin'))) {
      throw ApiError.conflict(`Session is already ${session.status}`);
    }
    await this.audit.record({ action: 'session.terminate', result: 'success', userId: caller.id, sessionId: caller.sessionId, resource: `session:${sessionId}`, details: { owner: session.userId }, origin });
    return { message: 'Session terminated successfully', sessionId, timestamp: new Date().toISOString() };
  }

  /** Sessions past their expiry are marked; ended ones are deleted after the retention period. */
  async expireAndPrune(): Promise<void> {
    try {
      // Ended as a termination is: tokens refused, live connections closed, webhooks told. A bounded
      // batch a sweep, so a backlog (after downtime) drains over a few minutes, not in one burst.
      const expired = await this.endWhere(`id IN (SELECT id FROM sessions WHERE status = 'active' AND expires_at < now() ORDER BY expires_at LIMIT ${EXPIRY_BATCH})`, {}, 'expired', 'expired');
      await this.afterEnded(expired, 'expired');
      await this.dataSource.query(`DELETE FROM sessions WHERE status <> 'active' AND ended_at < now() - make_interval(days => $1)`, [RETENTION_DAYS]);
    } catch (error) {
      this.logger.warn(`could not expire sessions: ${(error as Error).message}`);
    }
  }

  /**
   * Opens a session. Rows go through the append log: a burst of logins or connections (clients
   * reconnecting after a deploy) shares a few commits instead of queueing one insert each.
   */
  async start(input: StartSession): Promise<SessionEntity> {
    const now = new Date();
    const session = this.sessions.create({
      id: randomUUID(),
      userId: input.userId,
      status: 'active',
      connectionType: input.connectionType,
      contextId: input.contextId ?? null,
      protocolVersion: input.protocolVersion ?? null,
      clientCapabilities: input.clientCapabilities ?? null,
      oauthClientId: input.oauthClient?.id ?? null,
      oauthClientName: input.oauthClient?.name ?? null,
      signInMethod: input.signInMethod ?? null,
      logLevel: null,
      ipAddress: input.origin.ipAddress ?? null,
      userAgent: input.origin.userAgent?.slice(0, 512) ?? null,
      startedAt: now,
      lastActivity: now,
      expiresAt: new Date(now.getTime() + input.ttlSeconds * 1000),
      endedAt: null,
      endReason: null,
      messagesReceived: 0,
      messagesSent: 0,
      toolExecutions: 0,
      errors: 0,
    });
    await this.log.append('sessions', SESSION_COLUMNS, [
      session.id,
      session.userId,
      session.status,
      session.connectionType,
      session.contextId,
      session.protocolVersion,
      session.clientCapabilities,
      session.ipAddress,
      session.userAgent,
      session.startedAt,
      session.lastActivity,
      session.expiresAt,
      session.oauthClientId,
      session.oauthClientName,
      session.signInMethod,
    ]);
    return session;
  }

  /** An MCP client's logging/setLevel, kept for whichever instance serves its next call. */
  async setLogLevel(sessionId: string, level: string): Promise<void> {
    await this.sessions.update({ id: sessionId }, { logLevel: level });
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
    const ended = await this.endWhere('id = :sessionId', { sessionId }, reason);
    if (ended.length === 0) return false;
    await this.afterEnded(ended, reason);
    return true;
  }

  /** Ends every active session of a user (suspension, deletion); answers how many. */
  endAllForUser(userId: string, reason: string): Promise<number> {
    return this.endOthersOfUser(userId, undefined, reason);
  }

  /** Ends every active session of a user but `keep` (the caller's own, when it has one); answers how many. */
  async endOthersOfUser(userId: string, keep: string | undefined, reason: string): Promise<number> {
    const ended = keep === undefined ? await this.endWhere('user_id = :userId', { userId }, reason) : await this.endWhere('user_id = :userId AND id <> :keep', { userId, keep }, reason);
    await this.afterEnded(ended, reason);
    return ended.length;
  }

  /** Ends a user's live sessions of one kind but the `keep` most recently active (a door's cap); answers how many. */
  async endBeyondNewest(userId: string, connectionType: ConnectionType, keep: number, reason: string): Promise<number> {
    const beyond = `id IN (SELECT id FROM sessions WHERE user_id = :userId AND connection_type = :connectionType AND status = 'active' ORDER BY last_activity DESC, started_at DESC, id DESC OFFSET ${Math.max(0, Math.trunc(keep))})`;
    const ended = await this.endWhere(beyond, { userId, connectionType }, reason);
    await this.afterEnded(ended, reason);
    return ended.length;
  }

  private async endWhere(where: string, parameters: Record<string, string>, reason: string, status: 'terminated' | 'expired' = 'terminated'): Promise<EndedSession[]> {
    const result = await this.sessions
      .createQueryBuilder()
      .update()
      .set({ status, endedAt: () => 'now()', endReason: reason.slice(0, 100) })
      .where(`${where} AND status = :active`, { ...parameters, active: 'active' })
      .returning('id, user_id, connection_type')
      .execute();
    return result.raw as EndedSession[];
  }

  /**
   * Tokens refused everywhere first, then the durable event (webhooks, closing live connections).
   * A door's session (websocket, mcp) issued no tokens: nothing to refuse, so its end records no
   * revocation (an hour in every instance's memory, a message to each); the event alone closes
   * what runs under it, and an MCP session's next request finds it ended.
   */
  private async afterEnded(ended: readonly EndedSession[], reason: string): Promise<void> {
    if (ended.length === 0) return;
    await this.revocations.revoke(
      ended.filter((row) => TOKEN_SESSIONS.has(row.connection_type)).map((row) => row.id),
      this.revokedUntil(),
    );
    await Promise.all(ended.map((row) => this.events.publishDurable('session.terminated', { sessionId: row.id, userId: row.user_id, reason })));
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
        `SELECT id, ended_at FROM sessions WHERE status <> 'active' AND connection_type = 'http' AND ended_at > now() - make_interval(secs => $1)`,
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
