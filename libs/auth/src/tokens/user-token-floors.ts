import { AppConfig } from '@app/config';
import { SessionRevocations } from '@app/security';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';

const RELOAD_INTERVAL_MS = 60_000;
const CLOCK_SKEW_MS = 5_000;

/**
 * When a user's rights change, tokens issued before the change are refused. The floor is kept in
 * the database (a new instance, or one that missed the event, reloads it) for as long as such a
 * token could still be alive, and in memory everywhere for the per-request check.
 */
@Injectable()
export class UserTokenFloors implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('UserTokenFloors');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly revocations: SessionRevocations,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => void this.reload(), RELOAD_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Refuses the user's tokens issued before now, on every instance, and remembers it. */
  async raise(userId: string): Promise<void> {
    const now = Date.now();
    await this.dataSource.query(
      `INSERT INTO user_token_floors (user_id, not_before) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET not_before = GREATEST(user_token_floors.not_before, EXCLUDED.not_before)`,
      [userId, new Date(now)],
    );
    await this.revocations.revokeUserTokens(userId, now);
    // Signed in at the authorization endpoint in a browser: that ends too, so the next grant asks again.
    await this.dataSource.query(`DELETE FROM oauth_browser_sessions WHERE user_id = $1`, [userId]);
  }

  private async reload(): Promise<void> {
    try {
      const windowMs = this.config.accessTokenTtlSeconds * 1000 + CLOCK_SKEW_MS;
      const rows: Array<{ user_id: string; not_before: Date }> = await this.dataSource.query(`SELECT user_id, not_before FROM user_token_floors WHERE not_before > $1`, [new Date(Date.now() - windowMs)]);
      for (const row of rows) this.revocations.rememberFloor(row.user_id, new Date(row.not_before).getTime());
      await this.dataSource.query(`DELETE FROM user_token_floors WHERE not_before <= $1`, [new Date(Date.now() - windowMs)]);
    } catch (error) {
      this.logger.warn(`could not reload token floors: ${(error as Error).message}`);
    }
  }
}
