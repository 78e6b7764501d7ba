import { AuditWriter } from '@app/audit';
import { ApiError, type RequestOrigin } from '@app/common';
import { AppConfig } from '@app/config';
import type { LoginResponse } from '@app/contracts';
import { SessionsService } from '@app/sessions';
import { Injectable } from '@nestjs/common';
import type { AccessSubject } from './jwt/jwt.service';
import { grantedScope } from './oauth/scopes';
import { effectivePermissions, isStrongSignIn, withoutAdminRights } from './roles';
import { type ClientGrant, type IssuedTokens, TokensService } from './tokens/tokens.service';
import type { UserEntity } from './user.entity';
import { toUserView } from './user.view';
import { UsersService } from './users.service';

/** How the user proved who they are, for the audit log. */
export type SignInMethod = 'password' | 'password+totp' | 'password+sms' | 'password+backup-code' | 'saml';

/**
 * The claims of a user's access token; an OAuth grant's scope narrows its permissions (never widens
 * them), and a sign-in that may not carry admin rights (ADMIN_REQUIRES_MFA) drops them.
 */
export function subjectOf(user: UserEntity, sessionId: string, scope: readonly string[] | null, withoutAdmin: boolean): AccessSubject {
  const held = withoutAdmin ? withoutAdminRights(user.roles, user.permissions) : effectivePermissions(user.roles, user.permissions);
  return { sub: user.id, email: user.email, roles: user.roles, permissions: grantedScope(held, scope), sid: sessionId };
}

/**
 * The last step of every login, whatever proved the identity (password, password and MFA, SAML):
 * a session, a token pair, the login time and one audit entry.
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokensService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditWriter,
    private readonly config: AppConfig,
  ) {}

  /** `provenAt`: when the credential was proven (before the password was checked, say). */
  async complete(user: UserEntity, method: SignInMethod, origin: RequestOrigin, provenAt = new Date()): Promise<LoginResponse> {
    const { tokens } = await this.begin(user, method, origin, null, provenAt);
    return { ...tokens, user: toUserView(user) };
  }

  /** The same for an OAuth client: the pair is bound to the client and carries the granted scope. */
  async completeGrant(user: UserEntity, method: SignInMethod, origin: RequestOrigin, grant: ClientGrant, provenAt: Date): Promise<{ readonly tokens: IssuedTokens; readonly permissions: readonly string[] }> {
    const { tokens, subject } = await this.begin(user, method, origin, grant, provenAt);
    return { tokens, permissions: subject.permissions };
  }

  private async begin(user: UserEntity, method: SignInMethod, origin: RequestOrigin, grant: ClientGrant | null, provenAt: Date): Promise<{ readonly tokens: IssuedTokens; readonly subject: AccessSubject }> {
    const oauthClient = grant ? { id: grant.clientId, name: grant.clientName ?? null } : null;
    const session = await this.sessions.start({ userId: user.id, connectionType: 'http', origin, ttlSeconds: this.config.refreshTokenTtlSeconds, oauthClient, signInMethod: method });
    // Claimed through SSO since the credential was proven: that credential was its registrant's
    // (SsoClaims ends sessions that existed before the claim; this one may have come after).
    if (await this.users.claimedSince(user.id, provenAt)) {
      await this.sessions.end(session.id, 'account claimed through single sign-on');
      throw ApiError.unauthorized('This account now signs in through single sign-on', 'TOKEN_REVOKED');
    }
    await this.users.recordLogin(user);
    const subject = subjectOf(user, session.id, grant?.scope ?? null, this.config.adminRequiresMfa && !isStrongSignIn(method));
    const tokens = await this.tokens.issue(subject, undefined, grant);
    const details = grant ? { email: user.email, method, oauthClient: grant.clientId } : { email: user.email, method };
    await this.audit.record({ action: 'auth.login', result: 'success', userId: user.id, sessionId: session.id, resource: `session:${session.id}`, details, origin });
    return { tokens, subject };
  }
}
