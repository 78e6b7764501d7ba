import { AuditWriter } from '@app/audit';
import { ApiError, offsetPagination, type RequestOrigin } from '@app/common';
import type { OAuthClientGrantList, OAuthGrant } from '@app/contracts';
import { EventBus } from '@app/events';
import { type AuthenticatedUser, requireOwnSignIn } from '@app/security';
import { SessionsService } from '@app/sessions';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import '../auth.events';
import { TokensService } from '../tokens/tokens.service';

interface GrantRow {
  readonly client_id: string;
  readonly metadata_url: string | null;
  readonly name: string | null;
  readonly scope: string[] | null;
  readonly granted_at: Date | null;
  readonly active_sessions: number;
}

interface ClientGrantRow {
  readonly user_id: string;
  readonly email: string;
  readonly name: string;
  readonly scope: string[] | null;
  readonly granted_at: Date | null;
  readonly active_sessions: number;
}

const DEFAULT_PAGE_SIZE = 50;

// A session counts while one of its refresh tokens can still be spent.
const LIVE_TOKEN = `t.revoked_at IS NULL AND t.used_at IS NULL AND t.expires_at > now()`;

// The users of client $1: those who allowed it, and those whose session it still holds.
const HOLDERS = `WITH live AS (SELECT t.user_id, count(DISTINCT t.session_id)::int AS sessions FROM refresh_tokens t
                                WHERE t.client_id = $1 AND ${LIVE_TOKEN} GROUP BY t.user_id),
                      holders AS (SELECT coalesce(g.user_id, l.user_id) AS user_id, g.scope, g.granted_at, coalesce(l.sessions, 0) AS active_sessions
                                    FROM (SELECT user_id, scope, granted_at FROM oauth_consents WHERE client_id = $1) g FULL JOIN live l ON l.user_id = g.user_id)`;

/** A user's own view of the OAuth clients they let in: what each was allowed, and withdrawing it. */
@Injectable()
export class OAuthGrantsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: SessionsService,
    private readonly tokens: TokensService,
    private readonly audit: AuditWriter,
    private readonly events: EventBus,
  ) {}

  /** The caller's own list: with the account's own sign-in only (an application does not see or end the others). */
  async listOwn(caller: AuthenticatedUser): Promise<OAuthGrant[]> {
    requireOwnSignIn(caller, 'The applications let in are managed');
    return this.list(caller.id);
  }

  private async list(userId: string): Promise<OAuthGrant[]> {
    const rows = (await this.dataSource.query(
      `WITH live AS (SELECT t.client_id, count(DISTINCT t.session_id)::int AS sessions FROM refresh_tokens t
                      WHERE t.user_id = $1 AND t.client_id IS NOT NULL AND ${LIVE_TOKEN} GROUP BY t.client_id)
       SELECT c.id AS client_id, c.metadata_url, c.name, g.scope, g.granted_at, coalesce(l.sessions, 0) AS active_sessions
         FROM oauth_clients c
         LEFT JOIN oauth_consents g ON g.client_id = c.id AND g.user_id = $1
         LEFT JOIN live l ON l.client_id = c.id
        WHERE g.user_id IS NOT NULL OR l.client_id IS NOT NULL
        ORDER BY g.granted_at DESC NULLS LAST, c.id`,
      [userId],
    )) as GrantRow[];
    return rows.map((row) => Object.assign({ clientId: row.client_id, metadataDocument: row.metadata_url, name: row.name }, grantFields(row)));
  }

  /** Forgets the consent and ends the user's sessions through the client, on every instance. */
  async withdraw(caller: AuthenticatedUser, clientId: string, origin: RequestOrigin): Promise<void> {
    requireOwnSignIn(caller, 'The applications let in are managed');
    const userId = caller.id;
    const endedSessions = await this.end(userId, clientId, 'OAuth access withdrawn by the user');
    await this.audit.record({ action: 'oauth.grant.revoke', result: 'success', userId, resource: `oauth-client:${clientId}`, details: { endedSessions }, origin });
    await this.events.publishDurable('user.security', { userId, change: 'oauth_grant.revoked', actorId: userId });
  }

  /** For admins: who let a client in (a consent or a live session), most recently allowed first. */
  async holdersOf(clientId: string, page = 1, limit = DEFAULT_PAGE_SIZE): Promise<OAuthClientGrantList> {
    const known = (await this.dataSource.query(`SELECT 1 FROM oauth_clients WHERE id = $1`, [clientId])) as unknown[];
    if (known.length === 0) throw ApiError.notFound('OAuth client');
    const [{ total }] = (await this.dataSource.query(`${HOLDERS} SELECT count(*)::int AS total FROM holders h JOIN users u ON u.id = h.user_id`, [clientId])) as Array<{ total: number }>;
    const rows = (await this.dataSource.query(
      `${HOLDERS} SELECT h.user_id, u.email, u.name, h.scope, h.granted_at, h.active_sessions
         FROM holders h JOIN users u ON u.id = h.user_id
        ORDER BY h.granted_at DESC NULLS LAST, h.user_id
        LIMIT $2 OFFSET $3`,
      [clientId, limit, (page - 1) * limit],
    )) as ClientGrantRow[];
    return {
      grants: rows.map((row) => Object.assign({ userId: row.user_id, email: row.email, name: row.name }, grantFields(row))),
      pagination: offsetPagination(page, limit, Number(total)),
    };
  }

  /** An admin's view of a user's grants: the user's own list, for a user who exists. */
  async listFor(userId: string): Promise<OAuthGrant[]> {
    await this.userMustExist(userId);
    return this.list(userId);
  }

  /** An admin withdraws a client's access to a user, as the user could; audited as the admin's act. */
  async withdrawFor(actorId: string, userId: string, clientId: string, origin: RequestOrigin): Promise<void> {
    await this.userMustExist(userId);
    const endedSessions = await this.end(userId, clientId, 'OAuth access withdrawn by an admin');
    await this.audit.record({ action: 'admin.oauth_grant.revoke', result: 'success', userId: actorId, resource: `user:${userId}`, details: { clientId, endedSessions }, origin });
    await this.events.publishDurable('user.security', { userId, change: 'oauth_grant.revoked', actorId });
  }

  /**
   * Forgets the consent, voids the codes not yet exchanged, revokes the client's refresh tokens for
   * the user and ends those sessions; how many ended. Sessions are found by the client they signed
   * in through too: one caught between spending a refresh token and storing the next has no live token.
   */
  private async end(userId: string, clientId: string, reason: string): Promise<number> {
    const forgotten = (await this.dataSource.query(`DELETE FROM oauth_consents WHERE user_id = $1 AND client_id = $2 RETURNING client_id`, [userId, clientId])) as [unknown[], number];
    const voided = (await this.dataSource.query(`DELETE FROM oauth_authorization_codes WHERE user_id = $1 AND client_id = $2 RETURNING client_id`, [userId, clientId])) as [unknown[], number];
    const sessions = (await this.dataSource.query(
      `SELECT t.session_id FROM refresh_tokens t WHERE t.user_id = $1 AND t.client_id = $2 AND ${LIVE_TOKEN}
        UNION SELECT s.id FROM sessions s WHERE s.user_id = $1 AND s.oauth_client_id = $2 AND s.status = 'active'`,
      [userId, clientId],
    )) as Array<{ session_id: string }>;
    if (forgotten[0].length === 0 && voided[0].length === 0 && sessions.length === 0) throw ApiError.notFound('OAuth grant');
    for (const { session_id: sessionId } of sessions) {
      await this.tokens.revokeSession(sessionId);
      await this.sessions.end(sessionId, reason);
    }
    return sessions.length;
  }

  private async userMustExist(userId: string): Promise<void> {
    const found = (await this.dataSource.query(`SELECT 1 FROM users WHERE id = $1`, [userId])) as unknown[];
    if (found.length === 0) throw ApiError.notFound('User');
  }
}

/** What a consent and the sessions beside it say, in either list. */
function grantFields(row: { readonly scope: string[] | null; readonly granted_at: Date | null; readonly active_sessions: number }): Pick<OAuthGrant, 'scope' | 'grantedAt' | 'activeSessions'> {
  return { scope: row.scope?.join(' ') ?? null, grantedAt: row.granted_at ? new Date(row.granted_at).toISOString() : null, activeSessions: Number(row.active_sessions) };
}
