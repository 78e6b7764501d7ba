import { deletedCount, HourlyRetention } from '@app/database';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

const UNUSED_CLIENT_DAYS = 30;

/**
 * Hourly: expired authorization codes, SSO requests, client assertion ids and browser sign-ins, and clients no one has used for 30 days that hold no live
 * refresh token (registration is open, so abandoned registrations must not pile up).
 */
@Injectable()
export class OAuthRetention extends HourlyRetention {
  constructor(private readonly dataSource: DataSource) {
    super(new Logger('OAuth'), UNUSED_CLIENT_DAYS);
  }

  protected async pruneOlderThan(days: number): Promise<number> {
    const codes = deletedCount(await this.dataSource.query(`DELETE FROM oauth_authorization_codes WHERE expires_at < now()`));
    const ssoRequests = deletedCount(await this.dataSource.query(`DELETE FROM oauth_sso_requests WHERE expires_at < now()`));
    const assertions = deletedCount(await this.dataSource.query(`DELETE FROM oauth_client_assertions WHERE expires_at < now()`));
    const browserSessions = deletedCount(await this.dataSource.query(`DELETE FROM oauth_browser_sessions WHERE expires_at < now()`));
    const clients = deletedCount(
      await this.dataSource.query(
        `DELETE FROM oauth_clients c WHERE coalesce(c.last_used_at, c.created_at) < now() - make_interval(days => $1)
           AND NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.client_id = c.id AND t.revoked_at IS NULL AND t.expires_at > now())`,
        [days],
      ),
    );
    return codes + ssoRequests + assertions + browserSessions + clients;
  }
}
