import { AuditWriter } from '@app/audit';
import { ApiError, isDatabaseUnavailable, type RequestOrigin, sqlState } from '@app/common';
import { AppConfig } from '@app/config';
import type { LoginResponse } from '@app/contracts';
import { EventBus } from '@app/events';
import { UserTokenFloors } from '../tokens/user-token-floors';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { type AuthorizeOutcome, OAUTH_RELAY_PREFIX, OAuthService } from '../oauth/oauth.service';
import { SignInService } from '../sign-in.service';
import { UserEntity } from '../user.entity';
import { UsersService } from '../users.service';
import { SamlRejection, type SamlIdentity } from './saml.strategy';
import { SsoClaims } from './sso-claims';

const UNIQUE_VIOLATION = '23505';

export type SamlCallbackOutcome = { readonly kind: 'login'; readonly login: LoginResponse } | { readonly kind: 'oauth'; readonly outcome: AuthorizeOutcome };
const MAX_REASON_LENGTH = 200;

function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');
}

/**
 * After the strategy has verified a response: just-in-time provisioning and the login. Accounts
 * created here are SSO accounts (no password) whose roles follow the IdP's groups at every login.
 * An existing account an admin made signs in as itself and keeps its roles; a self-registered one
 * (nobody proved its address) is claimed for the IdP first (SsoClaims).
 */
@Injectable()
export class SamlService {
  private readonly logger = new Logger('Saml');
  private readonly users: Repository<UserEntity>;

  constructor(
    dataSource: DataSource,
    private readonly usersService: UsersService,
    private readonly signIn: SignInService,
    private readonly audit: AuditWriter,
    private readonly events: EventBus,
    private readonly config: AppConfig,
    private readonly floors: UserTokenFloors,
    private readonly oauth: OAuthService,
    private readonly claims: SsoClaims,
  ) {
    this.users = dataSource.getRepository(UserEntity);
  }

  async login(identity: SamlIdentity, origin: RequestOrigin): Promise<LoginResponse> {
    return this.signIn.complete(await this.identify(identity, origin), 'saml', origin);
  }

  /**
   * The assertion consumer service's answer: the login, or, when the SSO was started from the OAuth
   * sign-in page (its RelayState), the authorization code for the client that is waiting.
   */
  async callback(identity: SamlIdentity, relayState: unknown, origin: RequestOrigin): Promise<SamlCallbackOutcome> {
    if (typeof relayState === 'string' && relayState.startsWith(OAUTH_RELAY_PREFIX)) {
      const user = await this.identify(identity, origin);
      return { kind: 'oauth', outcome: await this.oauth.completeSso(relayState, user.id) };
    }
    return { kind: 'login', login: await this.login(identity, origin) };
  }

  /** The active user the IdP vouched for: found, or provisioned just in time, with roles following the IdP. */
  private async identify(identity: SamlIdentity, origin: RequestOrigin): Promise<UserEntity> {
    // A first login racing a sign-up with the address gets the existing row: it is checked the same way.
    let user = (await this.usersService.findByEmail(identity.email)) ?? (await this.provision(identity, origin));
    if (user.status !== 'active') throw await this.rejected(new SamlRejection(`account ${user.status}`), origin, identity.email);
    if (user.emailVerifiedAt === null) user = await this.claims.claim(user, identity, origin);
    if (user.authSource === 'saml' && !sameRoles(user.roles, identity.roles)) await this.syncRoles(user, identity, origin);
    return user;
  }

  /**
   * The 401 for a refused response, audited with the reason. Database outages stay 503: the
   * response may well be valid.
   */
  async rejected(error: unknown, origin: RequestOrigin, email?: string): Promise<ApiError> {
    if (isDatabaseUnavailable(error)) return ApiError.unavailable('Single sign-on is temporarily unavailable', error);
    if (error instanceof ApiError && error.status !== 401) return error;
    const reason = (error instanceof Error ? error.message : 'SAML authentication failed').replace(/\s+/g, ' ').slice(0, MAX_REASON_LENGTH);
    if (!(error instanceof SamlRejection) && !(error instanceof ApiError)) this.logger.debug(`SAML response refused: ${reason}`);
    await this.audit.record({ action: 'auth.saml', result: 'failure', severity: 'warning', details: { reason, ...(email ? { email } : {}) }, origin });
    return ApiError.unauthorized(`SAML authentication failed: ${reason}`);
  }

  /**
   * The IdP changed the user's roles: as with an admin's change, every token issued before now is
   * refused from the next request on every instance (and on any started later: the floor is kept in
   * the database), and cached API keys (whose scopes are cut to the owner's rights) are dropped.
   * The tokens this login issues next are after the floor.
   */
  private async syncRoles(user: UserEntity, identity: SamlIdentity, origin: RequestOrigin): Promise<void> {
    const from = user.roles;
    await this.users.update({ id: user.id }, { roles: identity.roles });
    user.roles = identity.roles;
    await this.floors.raise(user.id);
    this.usersService.changed(user.id, ['roles']);
    await this.audit.record({ action: 'user.roles_sync', result: 'success', userId: user.id, resource: `user:${user.id}`, details: { source: 'saml', from, roles: identity.roles, groups: identity.groups }, origin });
  }

  private async provision(identity: SamlIdentity, origin: RequestOrigin): Promise<UserEntity> {
    let user: UserEntity;
    try {
      user = await this.users.save(
        this.users.create({ email: identity.email, name: identity.name, passwordHash: null, roles: identity.roles, permissions: [], authSource: 'saml', emailVerifiedAt: new Date() }),
      );
    } catch (error) {
      // Two first logins of the same person at once: the other one created the account.
      const existing = sqlState(error) === UNIQUE_VIOLATION ? await this.usersService.findByEmail(identity.email) : null;
      if (!existing) throw error;
      return existing;
    }
    await this.audit.record({ action: 'user.provision', result: 'success', userId: user.id, resource: `user:${user.id}`, details: { email: user.email, source: 'saml', issuer: identity.issuer, roles: user.roles, groups: identity.groups }, origin });
    await this.events.publishDurable('user.created', { userId: user.id, email: user.email, roles: user.roles, source: 'saml' });
    return user;
  }

  /** Where the browser goes after SSO, when configured; the tokens travel in the fragment. */
  successRedirect(login: LoginResponse): string | undefined {
    const target = this.config.saml?.successRedirect;
    if (!target) return undefined;
    const fragment = new URLSearchParams({ access_token: login.accessToken, refresh_token: login.refreshToken, expires_in: String(login.expiresIn), token_type: login.tokenType });
    return `${target.split('#')[0]}#${fragment.toString()}`;
  }
}
