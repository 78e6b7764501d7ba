import { SecretBox } from '@app/security';
import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';

/** How long a browser stays signed in at the authorization endpoint (its cookie ends with the browser, too). */
export const BROWSER_SESSION_TTL_MS = 12 * 60 * 60_000;
const TOKEN_PREFIX = 'mcp_bs_';

export interface BrowserSignIn {
  readonly userId: string;
  readonly email: string;
  readonly method: string;
}

/**
 * Who is signed in at the authorization endpoint in each browser. The cookie holds a random token;
 * the table its keyed hash, the user, how they signed in, and a mark of their password at the
 * time. A session counts only while the user is active and their password unchanged, and ends
 * when their rights change (UserTokenFloors), when they choose another account, or after 12 hours.
 */
@Injectable()
export class OAuthBrowserSessions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretBox,
  ) {}

  /** A new session for this user: the cookie value to set. */
  async start(userId: string, method: string): Promise<string> {
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    await this.dataSource.query(
      `INSERT INTO oauth_browser_sessions (token_hash, user_id, method, password_mark, expires_at)
         SELECT $1, u.id, $3, md5(coalesce(u.password_hash, '')), $4 FROM users u WHERE u.id = $2`,
      [this.secrets.mac(token), userId, method, new Date(Date.now() + BROWSER_SESSION_TTL_MS)],
    );
    return token;
  }

  /** The user a cookie stands for, if its session still counts. */
  async find(token: string | undefined): Promise<BrowserSignIn | undefined> {
    if (!token?.startsWith(TOKEN_PREFIX) || token.length > 100) return undefined;
    const rows = (await this.dataSource.query(
      `SELECT s.user_id, u.email, s.method FROM oauth_browser_sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = ANY($1) AND s.expires_at > now() AND u.status = 'active' AND s.password_mark = md5(coalesce(u.password_hash, ''))`,
      [this.secrets.macs(token)],
    )) as Array<{ user_id: string; email: string; method: string }>;
    const row = rows[0];
    return row ? { userId: row.user_id, email: row.email, method: row.method } : undefined;
  }

  async end(token: string | undefined): Promise<void> {
    if (token?.startsWith(TOKEN_PREFIX)) await this.dataSource.query(`DELETE FROM oauth_browser_sessions WHERE token_hash = ANY($1)`, [this.secrets.macs(token)]);
  }

  /** Whether the user already allowed this client this much (a null scope asks for, or allowed, all the user holds). */
  async consented(userId: string, clientId: string, scope: readonly string[] | null): Promise<boolean> {
    const rows = (await this.dataSource.query(`SELECT scope FROM oauth_consents WHERE user_id = $1 AND client_id = $2`, [userId, clientId])) as Array<{ scope: string[] | null }>;
    const allowed = rows[0];
    if (!allowed) return false;
    if (allowed.scope === null) return true;
    return scope !== null && scope.every((item) => allowed.scope?.includes(item));
  }

  /** Remembers what the user allowed, on top of what they allowed before. */
  async consent(userId: string, clientId: string, scope: readonly string[] | null): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO oauth_consents (user_id, client_id, scope) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, client_id) DO UPDATE SET granted_at = now(),
         scope = CASE WHEN oauth_consents.scope IS NULL OR EXCLUDED.scope IS NULL THEN NULL
                      ELSE ARRAY(SELECT DISTINCT unnest(oauth_consents.scope || EXCLUDED.scope) ORDER BY 1) END`,
      [userId, clientId, scope],
    );
  }
}
