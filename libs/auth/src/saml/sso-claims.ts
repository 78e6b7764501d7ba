import { AuditWriter } from '@app/audit';
import type { RequestOrigin } from '@app/common';
import { EventBus } from '@app/events';
import { SessionsService } from '@app/sessions';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { UserTokenFloors } from '../tokens/user-token-floors';
import { UserEntity } from '../user.entity';
import { UsersService } from '../users.service';
import type { SamlIdentity } from './saml.strategy';

/**
 * An IdP vouching for an address claims a self-registered account with it (whose address nobody
 * proved). Whatever the registrant set up to get in goes: the password, the second factor, the
 * sessions and tokens, the API keys, the codes and applications allowed, and what the account
 * stored of its own for upstream services. Otherwise whoever registered the address first
 * (pre-account hijacking) would keep a way into the account its owner then uses.
 *
 * The account is marked proven first, in the same statement that removes the password: a sign-in
 * whose credential was proven before that instant is refused once its session exists
 * (SignInService), and one whose session came earlier is ended here. When ending things fails, the
 * mark is taken back, so the owner's next sign-in claims the account again.
 */
/** How an account was claimed: its audit action, the reason its sessions end with, and what the entry says. */
interface Claim {
  readonly action: string;
  readonly reason: string;
  readonly details: Record<string, unknown>;
}

@Injectable()
export class SsoClaims {
  constructor(
    private readonly dataSource: DataSource,
    private readonly usersService: UsersService,
    private readonly floors: UserTokenFloors,
    private readonly sessions: SessionsService,
    private readonly apiKeys: ApiKeysService,
    private readonly audit: AuditWriter,
    private readonly events: EventBus,
  ) {}

  /** The account, now the IdP's; or as it is when another login claimed it first. */
  async claim(user: UserEntity, identity: SamlIdentity, origin: RequestOrigin): Promise<UserEntity> {
    const claimed = (await this.dataSource.query(
      `WITH claimed AS (
         UPDATE users SET password_hash = NULL, mfa_enabled = false, mfa_method = NULL, mfa_secret = NULL, mfa_phone = NULL, mfa_backup_codes = '{}',
                          mfa_last_step = NULL, auth_source = 'saml', email_verified_at = now()
          WHERE id = $1 AND email_verified_at IS NULL RETURNING id)
       SELECT id FROM claimed`,
      [user.id],
    )) as unknown[];
    if (claimed.length > 0) {
      const removed = [...(user.passwordHash !== null ? ['password'] : []), ...(user.mfaEnabled ? ['mfa'] : [])];
      await this.dropAccess(user, { action: 'auth.saml.claim', reason: 'account claimed through single sign-on', details: { issuer: identity.issuer, removed } }, origin);
    }
    return (await this.usersService.findById(user.id)) ?? user;
  }

  /**
   * A forgotten-password link mailed to an address nobody had proven was spent: whoever reads that
   * mailbox takes the account, with the password just set. What the registrant set up goes, as
   * above, the second factor included (else its owner could not sign in). True when it was claimed.
   */
  async claimForMailbox(userId: string, email: string, origin: RequestOrigin): Promise<boolean> {
    const [claimed] = (await this.dataSource.query(
      `WITH before AS (SELECT id, mfa_enabled FROM users WHERE id = $1 AND email = $2 AND email_verified_at IS NULL FOR UPDATE),
            claimed AS (
              UPDATE users u SET mfa_enabled = false, mfa_method = NULL, mfa_secret = NULL, mfa_phone = NULL, mfa_backup_codes = '{}', mfa_last_step = NULL, email_verified_at = now()
                FROM before b WHERE u.id = b.id RETURNING b.mfa_enabled)
       SELECT mfa_enabled FROM claimed`,
      [userId, email],
    )) as Array<{ mfa_enabled: boolean }>;
    if (!claimed) return false;
    await this.dropAccess({ id: userId, email }, { action: 'auth.password.claim', reason: 'account claimed by its mailbox', details: { removed: ['password', ...(claimed.mfa_enabled ? ['mfa'] : [])] } }, origin);
    return true;
  }

  /** After the account was marked proven: when ending what the registrant set up fails, the mark is taken back, so the owner's next claim runs again. */
  private async dropAccess(user: Pick<UserEntity, 'id' | 'email'>, claim: Claim, origin: RequestOrigin): Promise<void> {
    try {
      await this.endRegistrantAccess(user, claim, origin);
    } catch (error) {
      await this.dataSource.query(`UPDATE users SET email_verified_at = NULL WHERE id = $1`, [user.id]);
      throw error;
    }
  }

  private async endRegistrantAccess(user: Pick<UserEntity, 'id' | 'email'>, claim: Claim, origin: RequestOrigin): Promise<void> {
    // Tokens issued before now are refused on every instance; the sessions and keys end there too.
    await this.floors.raise(user.id);
    const endedSessions = await this.sessions.endAllForUser(user.id, claim.reason);
    const revokedKeys = await this.apiKeys.revokeAllOf(user.id);
    const [, withdrawnConsents] = (await this.dataSource.query(`DELETE FROM oauth_consents WHERE user_id = $1`, [user.id])) as [unknown, number];
    // Codes a client has not redeemed yet, and sign-ins through the IdP for a client still under way.
    await this.dataSource.query(`DELETE FROM oauth_authorization_codes WHERE user_id = $1`, [user.id]);
    await this.dataSource.query(`DELETE FROM oauth_sso_requests WHERE user_id = $1`, [user.id]);
    this.usersService.changed(user.id, ['password', 'mfa', 'roles']);
    // Durable: the account's own configurations of upstream services are gone before this sign-in ends.
    await this.events.publishDurable('user.security', { userId: user.id, change: 'account.claimed', actorId: user.id });
    await this.audit.record({
      action: claim.action,
      result: 'success',
      severity: 'warning',
      userId: user.id,
      resource: `user:${user.id}`,
      // Names the audit writer would take for secrets (password, apiKey) are kept out of the keys.
      details: { email: user.email, ...claim.details, endedSessions, revokedKeys, withdrawnConsents },
      origin,
    });
  }
}
