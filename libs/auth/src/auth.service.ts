import { AuditWriter } from '@app/audit';
import { ApiError, isRedisUnavailable, type RequestOrigin } from '@app/common';
import { AppConfig } from '@app/config';
import { RedisService } from '@app/database';
import type { LoginRequestDto, LoginResponse, MessageResponse, TokenPair } from '@app/contracts';
import { type AuthenticatedUser, lockedOut, RateLimiter } from '@app/security';
import { SessionsService } from '@app/sessions';
import { Injectable } from '@nestjs/common';
import { MfaService } from './mfa/mfa.service';
import { PasswordHasher } from './password.hasher';
import { withinGrant } from './oauth/scopes';
import { isStrongSignIn } from './roles';
import { type SignInMethod, SignInService, subjectOf } from './sign-in.service';
import { type ClientGrant, refreshFailure, TokensService } from './tokens/tokens.service';
import type { UserEntity } from './user.entity';
import { UsersService } from './users.service';

const BASE_LOCK_MS = 60_000;

const invalidCredentials = (): ApiError => new ApiError(401, 'INVALID_CREDENTIALS', 'Invalid email or password');

/** Login, refresh and logout: the life of a session's tokens. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokensService,
    private readonly sessions: SessionsService,
    private readonly limiter: RateLimiter,
    private readonly audit: AuditWriter,
    private readonly config: AppConfig,
    private readonly mfa: MfaService,
    private readonly signIn: SignInService,
    private readonly redis: RedisService,
  ) {}

  async login(input: LoginRequestDto, origin: RequestOrigin): Promise<LoginResponse> {
    const provenAt = new Date();
    const { user, method } = await this.verifyCredentials(input, origin);
    return this.signIn.complete(user, method, origin, provenAt);
  }

  /**
   * Everything a login checks before it signs in: lockout, password, account status and the
   * second factor (throwing MFA_REQUIRED when it is owed). The OAuth sign-in page uses it too.
   */
  async verifyCredentials(input: Pick<LoginRequestDto, 'email' | 'password' | 'mfaCode' | 'backupCode'>, origin: RequestOrigin): Promise<{ readonly user: UserEntity; readonly method: SignInMethod }> {
    const lockedMs = await this.lockedFor(input.email);
    if (lockedMs > 0) {
      await this.audit.record({ action: 'auth.login', result: 'denied', severity: 'warning', details: { email: input.email, reason: 'account locked' }, origin });
      throw lockedOut(this.config.rateLimits.loginLockout.limit, lockedMs, 'Too many failed logins');
    }
    const user = await this.users.findByEmail(input.email);
    // Unknown emails are verified against a dummy hash: both failures take the same time.
    const passwordOk = await this.hasher.verify(user?.passwordHash ?? null, input.password);
    if (!user || !passwordOk) {
      await this.recordFailure(input.email, user, origin);
      throw invalidCredentials();
    }
    if (user.status !== 'active') {
      await this.audit.record({ action: 'auth.login', result: 'denied', userId: user.id, details: { email: user.email, reason: `account ${user.status}` }, origin });
      throw ApiError.forbidden(`This account is ${user.status}`);
    }
    await this.limiter.store.reset(this.failureKey(input.email));
    if (!user.mfaEnabled) return { user, method: 'password' };
    // The password was right; the second factor is still owed: in this request, or via verify-mfa.
    if (input.mfaCode === undefined && input.backupCode === undefined) throw await this.mfa.challenge(user, origin);
    return { user, method: await this.mfa.verifyLoginFactor(user, input, origin) };
  }

  async refresh(refreshToken: string, origin: RequestOrigin): Promise<TokenPair> {
    return (await this.rotate(refreshToken, origin, null)).tokens;
  }

  /**
   * The OAuth refresh grant: a refresh token issued to a client is spent only by that client, which
   * may ask for a narrower scope; the new pair keeps the client and the scope.
   */
  refreshGrant(refreshToken: string, origin: RequestOrigin, client: ClientGrant): Promise<{ readonly tokens: TokenPair; readonly permissions: readonly string[] }> {
    return this.rotate(refreshToken, origin, client);
  }

  private async rotate(refreshToken: string, origin: RequestOrigin, client: ClientGrant | null): Promise<{ readonly tokens: TokenPair; readonly permissions: readonly string[] }> {
    const narrower = client?.scope ?? null;
    const outcome = await this.tokens.spend(refreshToken, client?.clientId ?? null, (granted) => narrower === null || withinGrant(granted, narrower));
    if (outcome.kind === 'reused') {
      // A spent token came back: someone holds a copy. End everything it could reach.
      await this.tokens.revokeFamily(outcome.familyId);
      await this.sessions.end(outcome.sessionId, 'refresh token reuse');
      await this.audit.record({
        action: 'auth.refresh_reuse',
        result: 'denied',
        severity: 'critical',
        userId: outcome.userId,
        sessionId: outcome.sessionId,
        resource: `session:${outcome.sessionId}`,
        details: { familyId: outcome.familyId },
        origin,
      });
      throw refreshFailure('reused');
    }
    if (outcome.kind !== 'rotated') throw refreshFailure(outcome.kind);
    const session = await this.sessions.findActive(outcome.sessionId);
    const user = session ? await this.users.findById(outcome.userId) : null;
    if (!session || !user || user.status !== 'active') {
      await this.tokens.revokeFamily(outcome.familyId);
      if (session) await this.sessions.end(session.id, `account ${user?.status ?? 'missing'}`);
      throw refreshFailure('revoked');
    }
    // Fresh claims: role and permission changes reach the new access token.
    const scope = narrower ?? outcome.scope;
    const subject = subjectOf(user, session.id, scope, this.config.adminRequiresMfa && !isStrongSignIn(session.signInMethod));
    const tokens = await this.tokens.issue(subject, outcome.familyId, client ? { clientId: client.clientId, scope } : null);
    return { tokens, permissions: subject.permissions };
  }

  async logout(caller: AuthenticatedUser, origin: RequestOrigin): Promise<MessageResponse> {
    if (caller.via !== 'jwt' || !caller.sessionId) throw ApiError.validation('An API key has no session to end; revoke the key instead');
    // Ending a session tells every instance over Redis: with Redis out, refuse the whole logout
    // (503) before anything changes, rather than end it here, fail the broadcast and skip the audit.
    await this.redis.ensureReachable().catch((error: unknown) => {
      throw ApiError.unavailable('Logout is temporarily unavailable; try again shortly', error);
    });
    await this.tokens.revokeSession(caller.sessionId);
    let broadcastFailure: unknown;
    await this.sessions.end(caller.sessionId, 'logout').catch((error: unknown) => {
      // Redis went away after the check: the session is ended in the database (other instances
      // reload revocations from it), so the logout is recorded, then answered 503.
      if (!isRedisUnavailable(error)) throw error;
      broadcastFailure = error;
    });
    await this.audit.record({
      action: 'auth.logout',
      result: 'success',
      userId: caller.id,
      sessionId: caller.sessionId,
      resource: `session:${caller.sessionId}`,
      ...(broadcastFailure ? { details: { broadcast: 'failed: Redis unavailable' } } : {}),
      origin,
    });
    if (broadcastFailure) throw ApiError.unavailable('The session was ended, but other instances could not be told yet; they will catch up shortly', broadcastFailure);
    return { message: 'Successfully logged out', timestamp: new Date().toISOString() };
  }

  private failureKey(email: string): string {
    return `login-fail:${email}`;
  }

  private lockKey(email: string): string {
    return `login-lock:${email}`;
  }

  private async lockedFor(email: string): Promise<number> {
    try {
      return await this.limiter.store.lockedFor(this.lockKey(email));
    } catch (error) {
      throw ApiError.unavailable('Login is temporarily unavailable', error);
    }
  }

  /** Counts a failure for the account; from the threshold on, it is locked for doubling periods. */
  private async recordFailure(email: string, user: UserEntity | null, origin: RequestOrigin): Promise<void> {
    const rule = this.config.rateLimits.loginLockout;
    const { count } = await this.limiter.store.hit(this.failureKey(email), rule);
    const locked = count >= rule.limit;
    if (locked) {
      const lockMs = Math.min(rule.windowSeconds * 1000, BASE_LOCK_MS * 2 ** Math.min(count - rule.limit, 16));
      await this.limiter.store.lock(this.lockKey(email), lockMs);
    }
    await this.audit.record({
      action: 'auth.login',
      result: 'failure',
      severity: locked ? 'critical' : 'warning',
      userId: user?.id ?? null,
      details: { email, reason: 'invalid credentials', failures: count, locked },
      origin,
    });
  }
}
