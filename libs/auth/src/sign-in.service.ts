import { AuditWriter } from '@app/audit';
import type { RequestOrigin } from '@app/common';
import { AppConfig } from '@app/config';
import type { LoginResponse } from '@app/contracts';
import { SessionsService } from '@app/sessions';
import { Injectable } from '@nestjs/common';
import type { AccessSubject } from './jwt/jwt.service';
import { effectivePermissions } from './roles';
import { TokensService } from './tokens/tokens.service';
import type { UserEntity } from './user.entity';
import { toUserView } from './user.view';
import { UsersService } from './users.service';

/** How the user proved who they are, for the audit log. */
export type SignInMethod = 'password' | 'password+totp' | 'password+sms' | 'password+backup-code' | 'saml';

export function subjectOf(user: UserEntity, sessionId: string): AccessSubject {
  return { sub: user.id, email: user.email, roles: user.roles, permissions: effectivePermissions(user.roles, user.permissions), sid: sessionId };
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

  async complete(user: UserEntity, method: SignInMethod, origin: RequestOrigin): Promise<LoginResponse> {
    const session = await this.sessions.start({ userId: user.id, connectionType: 'http', origin, ttlSeconds: this.config.refreshTokenTtlSeconds });
    await this.users.recordLogin(user);
    const tokens = await this.tokens.issue(subjectOf(user, session.id));
    await this.audit.record({ action: 'auth.login', result: 'success', userId: user.id, sessionId: session.id, resource: `session:${session.id}`, details: { email: user.email, method }, origin });
    return { ...tokens, user: toUserView(user) };
  }
}
