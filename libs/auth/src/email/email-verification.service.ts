import { AuditWriter } from '@app/audit';
import { ApiError, type RequestOrigin } from '@app/common';
import { EventBus } from '@app/events';
import { Mailer } from '@app/mail';
import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { hashOneTimeToken } from '../one-time-token';
import { UserEntity } from '../user.entity';
import { EmailVerificationTokenEntity } from './email-verification-token.entity';

const TOKEN_PREFIX = 'evt_';
const TOKEN_TTL_MS = 24 * 3600 * 1000;

/**
 * Proving an address by mail: a one-time token (24 h, replacing any sent before) mailed to the
 * account's address, spent by POST /auth/verify-email. Sign-ups are sent one when mail is configured.
 */
@Injectable()
export class EmailVerification {
  private readonly logger = new Logger('EmailVerification');

  constructor(
    private readonly dataSource: DataSource,
    private readonly mailer: Mailer,
    private readonly audit: AuditWriter,
    private readonly events: EventBus,
  ) {}

  /** The caller asks for a mail: 409 once verified, 503 without mail or when the mail server refuses it. */
  async send(userId: string, origin: RequestOrigin): Promise<void> {
    if (!this.mailer.configured) throw new ApiError(404, 'NOT_FOUND', 'Mail (SMTP_URL) is not configured on this server: addresses cannot be verified by mail here');
    const user = await this.dataSource.getRepository(UserEntity).findOne({ where: { id: userId } });
    if (!user) throw ApiError.unauthorized();
    if (user.emailVerifiedAt !== null) throw ApiError.conflict('The address is already verified', [{ field: 'email', message: 'is verified', code: 'ALREADY_VERIFIED' }]);
    try {
      await this.mailTo(user);
    } catch (error) {
      await this.audit.record({ action: 'auth.email.verification_sent', result: 'failure', userId, resource: `user:${userId}`, details: { reason: error instanceof Error ? error.message : String(error) }, origin });
      throw ApiError.unavailable('The verification mail could not be sent; try again later', error);
    }
    await this.audit.record({ action: 'auth.email.verification_sent', result: 'success', userId, resource: `user:${userId}`, details: { email: user.email }, origin });
  }

  /** After a self-service sign-up: a mail when mail is configured; a failure is logged and audited, never the sign-up's. */
  async afterSignUp(user: UserEntity, origin: RequestOrigin): Promise<void> {
    if (!this.mailer.configured || user.emailVerifiedAt !== null) return;
    let failure: string | undefined;
    try {
      await this.mailTo(user);
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
      this.logger.warn(`no verification mail for ${user.email} after sign-up: ${failure}`);
    }
    const details = failure === undefined ? { email: user.email, reason: 'sign-up' } : { reason: failure };
    await this.audit.record({ action: 'auth.email.verification_sent', result: failure === undefined ? 'success' : 'failure', userId: user.id, resource: `user:${user.id}`, details, origin }).catch(() => undefined);
  }

  /**
   * Spends a token of the caller's: the address it was mailed to is verified, if the account still
   * has it. Another account's token is refused unspent: the account holder must read the mailbox.
   */
  async verify(callerId: string, token: string, origin: RequestOrigin): Promise<void> {
    const verified = await this.dataSource.transaction(async (manager) => {
      // TypeORM answers an UPDATE … RETURNING as [rows, rowCount].
      const [rows] = (await manager.query(`UPDATE email_verification_tokens SET used_at = now() WHERE token_hash = $1 AND user_id = $2 AND used_at IS NULL AND expires_at > now() RETURNING user_id, email`, [hashOneTimeToken(token), callerId])) as [Array<{ user_id: string; email: string }>, number];
      if (rows.length === 0) return null;
      const [{ user_id: userId, email }] = rows;
      const [, changed] = (await manager.query(`UPDATE users SET email_verified_at = COALESCE(email_verified_at, now()), updated_at = now() WHERE id = $1 AND email = $2 AND status = 'active'`, [userId, email])) as [unknown, number];
      return changed > 0 ? { userId, email } : null;
    });
    if (!verified) {
      await this.audit.record({ action: 'auth.email.verified', result: 'denied', userId: callerId, details: { reason: "invalid, used or expired token, or another account's" }, origin });
      throw ApiError.unauthorized('The verification token is invalid, used or expired');
    }
    await this.audit.record({ action: 'auth.email.verified', result: 'success', userId: verified.userId, resource: `user:${verified.userId}`, details: { email: verified.email }, origin });
    this.events.publish('user.updated', { userId: verified.userId, fields: ['emailVerified'] });
  }

  private async mailTo(user: UserEntity): Promise<void> {
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`UPDATE email_verification_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, [user.id]);
      await manager.getRepository(EmailVerificationTokenEntity).insert({ userId: user.id, email: user.email, tokenHash: hashOneTimeToken(token), expiresAt: new Date(Date.now() + TOKEN_TTL_MS) });
    });
    await this.mailer.send({
      kind: 'verification',
      to: user.email,
      subject: 'Verify your email address',
      text: [
        'Hello,',
        '',
        'Open this link, signed in to your account, to verify your email address (it works once, for 24 hours):',
        this.mailer.link('verify-email', token),
        '',
        `Or send this token to POST /api/v1/auth/verify-email, signed in: ${token}`,
        '',
        'If you did not ask for this, ignore this mail.',
      ].join('\n'),
    });
  }
}
