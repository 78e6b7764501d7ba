import { AuditWriter } from '@app/audit';
import { ApiError, isRedisUnavailable, type RequestOrigin } from '@app/common';
import { AppConfig } from '@app/config';
import type { AuthorizationServerMetadata, OAuthTokenResponse } from '@app/contracts';
import { SecretBox } from '@app/security';
import { SessionsService } from '@app/sessions';
import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, type Repository } from 'typeorm';
import { AuthService } from '../auth.service';
import { roleScopes } from '../roles';
import { SignInService } from '../sign-in.service';
import { JwtService } from '../jwt/jwt.service';
import { type IssuedTokens, REFRESH_TOKEN_PREFIX, TokensService } from '../tokens/tokens.service';
import { UsersService } from '../users.service';
import { AuthorizationCodeEntity } from './authorization-code.entity';
import { type BrowserSignIn, OAuthBrowserSessions } from './browser-sessions';
import { ASSERTION_ALGORITHMS } from './client-assertion';
import type { ClientAuthMethod, OAuthClientEntity } from './oauth-client.entity';
import { OAuthClientsService } from './oauth-clients.service';
import { OAuthSsoRequestEntity } from './sso-request.entity';
import { OAuthError, type OAuthErrorCode } from './oauth-error';
import { isS256Challenge, verifierMatches } from './pkce';
import { formActionSource, matchRedirectUri, withParameters } from './redirect-uris';
import { parseScope } from './scopes';
import { REQUEST_FIELDS, type RequestField, renderConsentPage, renderErrorPage, renderSignInPage, type SignInPageView } from './sign-in-page';

const CODE_TTL_MS = 60_000;
/** The client hears that the sign-in was refused: the account was claimed through SSO meanwhile. */
const CLAIMED_MEANWHILE = { error: 'access_denied', error_description: 'This account now signs in through single sign-on' };
const CLIENT_AUTH_METHODS: ClientAuthMethod[] = ['none', 'client_secret_post', 'client_secret_basic', 'private_key_jwt'];
const CODE_PREFIX = 'mcp_ac_';
const SSO_REQUEST_TTL_MS = 10 * 60_000;
/** RelayState of a SAML login made for an authorization request (kept under SAML's 80 bytes). */
export const OAUTH_RELAY_PREFIX = 'oauth:';
const SSO_COOKIE = 'smcp_oauth_sso';
// Who is signed in at the authorization endpoint in this browser (see OAuthBrowserSessions).
const SIGN_IN_COOKIE = 'smcp_oauth_signin';
const PROMPTS = ['none', 'login', 'consent'];
const SSO_COOKIE_PATH = '/api/v1/oauth/authorize';
const MAX_PARAMETER_LENGTH = 4096;
const BACKUP_CODE = /^[A-Za-z0-9 -]{8,32}$/;
const SIX_DIGITS = /^[0-9]{6}$/;

/** What the authorization endpoint answers: a page for the user, or a redirect to the client. */
export type AuthorizeOutcome =
  | { readonly kind: 'page'; readonly status: number; readonly html: string; readonly formTargets?: readonly string[]; readonly problem?: string; readonly cookies?: readonly string[] }
  | { readonly kind: 'redirect'; readonly status: 302 | 303; readonly location: string; readonly cookies?: readonly string[] };

interface AuthorizationRequest {
  readonly client: OAuthClientEntity;
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly state?: string;
  readonly scope: string[] | null;
  readonly resource?: string;
  readonly fields: Partial<Record<RequestField, string>>;
}

type Checked = { readonly kind: 'ok'; readonly request: AuthorizationRequest } | { readonly kind: 'refused'; readonly outcome: AuthorizeOutcome };

/** Single values of a query or form; a repeated or non-string parameter is refused (RFC 6749 §3.1). */
function singleValues(input: unknown): { readonly values: Record<string, string>; readonly repeated?: string } {
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  if (typeof input !== 'object' || input === null) return { values };
  for (const [name, value] of Object.entries(input as Record<string, unknown>)) {
    if (typeof value !== 'string') return { values, repeated: name };
    values[name] = value;
  }
  return { values };
}

/**
 * The OAuth 2.1 authorization server MCP clients sign users in with: the authorization code grant
 * with PKCE (S256 only), refresh rotation bound to the client, and the sign-in page. Identity is
 * checked by AuthService exactly as for `POST /auth/login`.
 */
@Injectable()
export class OAuthService {
  private readonly codes: Repository<AuthorizationCodeEntity>;
  private readonly ssoRequests: Repository<OAuthSsoRequestEntity>;

  constructor(
    dataSource: DataSource,
    private readonly clients: OAuthClientsService,
    private readonly auth: AuthService,
    private readonly signIn: SignInService,
    private readonly users: UsersService,
    private readonly secrets: SecretBox,
    private readonly audit: AuditWriter,
    private readonly config: AppConfig,
    private readonly tokens: TokensService,
    private readonly jwt: JwtService,
    private readonly sessions: SessionsService,
    private readonly browserSessions: OAuthBrowserSessions,
  ) {
    this.codes = dataSource.getRepository(AuthorizationCodeEntity);
    this.ssoRequests = dataSource.getRepository(OAuthSsoRequestEntity);
  }

  get issuer(): string {
    return this.config.publicUrl;
  }

  metadata(): AuthorizationServerMetadata {
    const base = this.config.publicUrl;
    return {
      issuer: base,
      authorization_endpoint: `${base}/api/v1/oauth/authorize`,
      token_endpoint: `${base}/api/v1/oauth/token`,
      ...(this.config.oauth.dynamicRegistration ? { registration_endpoint: `${base}/api/v1/oauth/register` } : {}),
      client_id_metadata_document_supported: this.config.oauth.clientIdMetadata,
      revocation_endpoint: `${base}/api/v1/oauth/revoke`,
      revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      revocation_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
      jwks_uri: `${base}/.well-known/jwks.json`,
      scopes_supported: roleScopes(),
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      service_documentation: `${base}/api/docs`,
    };
  }

  /**
   * GET: the sign-in page for a valid request. A browser signed in here gets a click to allow it
   * instead, or the code at once when its user already allowed this client this much (OpenID
   * Connect's `prompt`: `login` asks for the password again, `consent` for the click, `none` for
   * neither, answering `login_required` or `consent_required` when one is needed).
   */
  async authorizePage(query: unknown, cookieHeader: string | undefined, origin: RequestOrigin): Promise<AuthorizeOutcome> {
    const checked = await this.check(query, origin);
    if (checked.kind === 'refused') return checked.outcome;
    const request = checked.request;
    const prompt = singleValues(query).values.prompt;
    if (prompt !== undefined && !PROMPTS.includes(prompt)) return this.redirect(request, 302, { error: 'invalid_request', error_description: `prompt must be one of ${PROMPTS.join(', ')}` });
    const browserToken = cookieValue(cookieHeader, SIGN_IN_COOKIE);
    const signedIn = prompt === 'login' ? undefined : await this.browserSessions.find(browserToken);
    if (signedIn && prompt !== 'consent' && (await this.browserSessions.consented(signedIn.userId, request.client.id, request.scope))) {
      return this.issueCode(request, signedIn.userId, signedIn.method, origin, { allowedBefore: true });
    }
    if (prompt === 'none') {
      return this.redirect(request, 302, signedIn ? { error: 'consent_required', error_description: 'The user has not allowed this request yet' } : { error: 'login_required', error_description: 'The user is not signed in here' });
    }
    return signedIn ? this.consentPage(request, signedIn, browserToken as string) : this.page(request, 200, {});
  }

  /** POST: the form. Checks the request again, then the user, then sends a code to the client. */
  async authorizeSubmit(body: unknown, cookieHeader: string | undefined, origin: RequestOrigin): Promise<AuthorizeOutcome> {
    const checked = await this.check(body, origin);
    if (checked.kind === 'refused') return checked.outcome;
    const request = checked.request;
    const form = singleValues(body).values;
    if (form.decision === 'deny') {
      await this.audit.record({ action: 'oauth.authorize', result: 'denied', resource: `oauth-client:${request.client.id}`, details: { reason: 'the user denied the request' }, origin });
      return this.redirect(request, 303, { error: 'access_denied', error_description: 'The user denied the request' });
    }
    if (form.decision === 'sso') return this.startSso(request);
    const browserToken = cookieValue(cookieHeader, SIGN_IN_COOKIE);
    if (form.decision === 'switch') {
      await this.browserSessions.end(browserToken);
      return { ...this.page(request, 200, {}), cookies: [this.signInCookie('', 0)] };
    }
    if (form.email === undefined && form.password === undefined && form.consent !== undefined) return this.allowAsSignedIn(request, browserToken, form.consent, origin);
    const email = (form.email ?? '').trim().toLowerCase();
    const password = form.password ?? '';
    const code = (form.code ?? '').trim();
    if (email === '' || email.length > 320 || password === '' || password.length > 128) return this.page(request, 401, { email, message: 'Enter your email and password.' });
    if (code !== '' && !SIX_DIGITS.test(code) && !BACKUP_CODE.test(code)) return this.page(request, 401, { email, message: 'That code is not in a known format: 6 digits, or a backup code.', askForCode: true });
    let signedIn: Awaited<ReturnType<AuthService['verifyCredentials']>>;
    const provenAt = new Date();
    try {
      signedIn = await this.auth.verifyCredentials({ email, password, ...(code === '' ? {} : SIX_DIGITS.test(code) ? { mfaCode: code } : { backupCode: code }) }, origin);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status >= 500) throw error;
      const askForCode = error.code === 'MFA_REQUIRED' || code !== '';
      const message = error.code !== 'MFA_REQUIRED' ? error.message : error.extra?.mfaType === 'sms' ? 'A code was sent to your phone by SMS: enter it to continue.' : 'Enter your authentication code to continue.';
      return this.page(request, error.status, { email, message, askForCode });
    }
    const outcome = await this.issueCode(request, signedIn.user.id, signedIn.method, origin, { provenAt });
    await this.browserSessions.end(browserToken);
    const started = await this.browserSessions.start(signedIn.user.id, signedIn.method);
    // Claimed through SSO since the password was checked: this browser's sign-in was the registrant's.
    if (await this.users.claimedSince(signedIn.user.id, provenAt)) {
      await this.browserSessions.end(started);
      return { ...this.redirect(request, 303, CLAIMED_MEANWHILE), cookies: [this.signInCookie('', 0)] };
    }
    return { ...outcome, cookies: [this.signInCookie(started)] };
  }

  /** "Allow" on the page of a browser already signed in: only with the form that page gave this browser. */
  private async allowAsSignedIn(request: AuthorizationRequest, browserToken: string | undefined, consent: string, origin: RequestOrigin): Promise<AuthorizeOutcome> {
    const signedIn = await this.browserSessions.find(browserToken);
    if (!signedIn) return { ...this.page(request, 401, { message: 'You are no longer signed in here: sign in to continue.' }), cookies: [this.signInCookie('', 0)] };
    // The page's own form carries a value only this browser's sign-in yields: another site cannot post an "allow" for it.
    if (!this.secrets.macMatches(consentInput(browserToken as string), consent)) return this.page(request, 403, { message: 'This form did not come from this server: start again from the application.' });
    return this.issueCode(request, signedIn.userId, signedIn.method, origin);
  }

  private consentPage(request: AuthorizationRequest, signedIn: BrowserSignIn, browserToken: string): AuthorizeOutcome {
    const html = renderConsentPage(
      {
        ...requestView(request),
        signedInAs: signedIn.email,
        consentProof: this.consentProof(browserToken),
      },
      'authorize',
    );
    return { kind: 'page', status: 200, html, formTargets: [formActionSource(request.redirectUri)] };
  }

  private consentProof(browserToken: string): string {
    return this.secrets.mac(consentInput(browserToken));
  }

  /** The sign-in cookie: only for the authorization endpoint, never readable by scripts, gone with the browser. */
  private signInCookie(value: string, maxAgeSeconds?: number): string {
    const secure = this.config.publicUrl.startsWith('https:') ? '; Secure' : '';
    const lifetime = maxAgeSeconds === undefined ? '' : `; Max-Age=${maxAgeSeconds}`;
    return `${SIGN_IN_COOKIE}=${value}; Path=${SSO_COOKIE_PATH}${lifetime}; HttpOnly; SameSite=Lax${secure}`;
  }

  /**
   * The user chose single sign-on: the checked request is parked, this browser gets a cookie that
   * binds it, and goes to the SAML login, whose RelayState brings the answer back to `completeSso`.
   */
  private async startSso(request: AuthorizationRequest): Promise<AuthorizeOutcome> {
    if (!this.config.saml) return this.page(request, 400, { message: 'Single sign-on is not configured on this server.' });
    const token = randomBytes(24).toString('base64url');
    const binding = randomBytes(32).toString('base64url');
    await this.ssoRequests.insert({
      tokenHash: this.secrets.mac(token),
      bindingHash: this.secrets.mac(binding),
      userId: null,
      completionHash: null,
      clientId: request.client.id,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      scope: request.scope,
      resource: request.resource ?? null,
      state: request.state ?? null,
      expiresAt: new Date(Date.now() + SSO_REQUEST_TTL_MS),
    });
    const login = new URL(`${this.config.publicUrl}/api/v1/auth/saml/login`);
    login.searchParams.set('RelayState', `${OAUTH_RELAY_PREFIX}${token}`);
    return { kind: 'redirect', status: 303, location: login.toString(), cookies: [this.ssoCookie(binding, SSO_REQUEST_TTL_MS / 1000)] };
  }

  /**
   * At the assertion consumer service, with the user the IdP vouched for. The code is not issued
   * here: a request started in one browser (an attacker's) could be completed by another (a victim
   * already signed in at the IdP). The browser is sent on to `finishSso` with a secret of its own,
   * and only the browser that also holds the starting cookie gets the code.
   */
  async completeSso(relayState: string, userId: string): Promise<AuthorizeOutcome> {
    const token = relayState.slice(OAUTH_RELAY_PREFIX.length);
    const completion = randomBytes(32).toString('base64url');
    const [rows] = (await this.ssoRequests.query(
      `UPDATE oauth_sso_requests SET user_id = $2, completion_hash = $3 WHERE token_hash = ANY($1) AND user_id IS NULL AND expires_at > now() RETURNING token_hash`,
      [this.secrets.macs(token), userId, this.secrets.mac(completion)],
    )) as [unknown[], number];
    if (rows.length === 0) return ssoRefused('This sign-in request has expired or was already completed; start again from the application.');
    const finish = new URL(`${this.config.publicUrl}/api/v1/oauth/authorize/sso`);
    finish.searchParams.set('request', token);
    finish.searchParams.set('completion', completion);
    return { kind: 'redirect', status: 303, location: finish.toString() };
  }

  /** The last step of single sign-on: the browser that started it and came back from the IdP is signed in here. */
  async finishSso(query: unknown, cookieHeader: string | undefined): Promise<AuthorizeOutcome> {
    const { values } = singleValues(query);
    const binding = cookieValue(cookieHeader, SSO_COOKIE);
    const parked = values.request && values.completion && binding ? await this.spendSsoRequest(values.request, values.completion, binding) : undefined;
    const client = parked?.userId ? await this.clients.find(parked.clientId) : undefined;
    if (!parked?.userId || !client) {
      return { ...ssoRefused('This sign-in cannot be completed here: finish it in the browser where you started it, within 10 minutes.'), cookies: [this.ssoCookie('', 0)] };
    }
    await this.browserSessions.end(cookieValue(cookieHeader, SIGN_IN_COOKIE));
    const started = await this.browserSessions.start(parked.userId, 'saml');
    // Signing in is not consenting: any site can post decision=sso from this browser, and an IdP
    // that signs its users in silently would then hand that site a code. The browser, signed in
    // now, goes back to the authorization request, which asks for the click (or sends the code
    // when the user allowed this client before), as after any other sign-in.
    const again = new URL(`${this.config.publicUrl}/api/v1/oauth/authorize`);
    for (const [name, value] of Object.entries(parkedFields(parked, client))) again.searchParams.set(name, value);
    return { kind: 'redirect', status: 303, location: again.toString(), cookies: [this.ssoCookie('', 0), this.signInCookie(started)] };
  }

  private async spendSsoRequest(token: string, completion: string, binding: string): Promise<OAuthSsoRequestEntity | undefined> {
    const [rows] = (await this.ssoRequests.query(
      `DELETE FROM oauth_sso_requests WHERE token_hash = ANY($1) AND completion_hash = ANY($2) AND binding_hash = ANY($3) AND expires_at > now()
         RETURNING user_id, client_id, redirect_uri, code_challenge, scope, resource, state, expires_at`,
      [this.secrets.macs(token), this.secrets.macs(completion), this.secrets.macs(binding)],
    )) as [Array<{ user_id: string | null; client_id: string; redirect_uri: string; code_challenge: string; scope: string[] | null; resource: string | null; state: string | null; expires_at: Date }>, number];
    const row = rows[0];
    if (!row) return undefined;
    return this.ssoRequests.create({
      userId: row.user_id,
      clientId: row.client_id,
      redirectUri: row.redirect_uri,
      codeChallenge: row.code_challenge,
      scope: row.scope,
      resource: row.resource,
      state: row.state,
      expiresAt: new Date(row.expires_at),
    });
  }

  /** The binding cookie: only for the authorization endpoint, never readable by scripts. */
  private ssoCookie(value: string, maxAgeSeconds: number): string {
    const secure = this.config.publicUrl.startsWith('https:') ? '; Secure' : '';
    return `${SSO_COOKIE}=${value}; Path=${SSO_COOKIE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure}`;
  }

  /** The code for the client; what the user allowed is remembered for the next request of this client. */
  private async issueCode(
    request: Pick<AuthorizationRequest, 'client' | 'redirectUri' | 'codeChallenge' | 'scope' | 'resource' | 'state'>,
    userId: string,
    method: string,
    origin: RequestOrigin,
    options: { readonly allowedBefore?: boolean; readonly provenAt?: Date } = {},
  ): Promise<AuthorizeOutcome> {
    if (!options.allowedBefore) await this.browserSessions.consent(userId, request.client.id, request.scope);
    const issued = `${CODE_PREFIX}${randomBytes(32).toString('base64url')}`;
    const codeHash = this.secrets.mac(issued);
    await this.codes.insert({
      codeHash,
      clientId: request.client.id,
      userId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      scope: request.scope,
      resource: request.resource ?? null,
      method,
      expiresAt: new Date(Date.now() + CODE_TTL_MS),
    });
    // A password checked before the account was claimed through SSO (SsoClaims deletes the codes issued before it).
    if (options.provenAt && (await this.users.claimedSince(userId, options.provenAt))) {
      await this.codes.delete({ codeHash });
      return this.redirect(request, 303, CLAIMED_MEANWHILE);
    }
    await this.audit.record({
      action: 'oauth.authorize',
      result: 'success',
      userId,
      resource: `oauth-client:${request.client.id}`,
      details: { clientName: request.client.name, redirectUri: request.redirectUri, scope: request.scope, method, ...(options.allowedBefore ? { allowedBefore: true } : {}) },
      origin,
    });
    // Allowed before, the code answers the GET itself (302); a form's POST is answered 303.
    return this.redirect(request, options.allowedBefore ? 302 : 303, { code: issued });
  }

  /** The token endpoint: an authorization code or a refresh token for a token pair. */
  async token(body: unknown, authorization: string | undefined, origin: RequestOrigin): Promise<OAuthTokenResponse> {
    const { values, repeated } = singleValues(body);
    if (repeated) throw new OAuthError('invalid_request', `${repeated.slice(0, 64)} must be given once, as a string`);
    const grantType = values.grant_type;
    if (grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is required');
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') throw new OAuthError('unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
    const client = await this.clients.authenticate(values, authorization, origin);
    if (!client.grantTypes.includes(grantType)) throw new OAuthError('unauthorized_client', `This client did not register the ${grantType} grant`);
    const answer = grantType === 'authorization_code' ? await this.exchangeCode(client, values, origin) : await this.refresh(client, values, origin);
    await this.clients.markUsed(client);
    return answer;
  }

  /**
   * RFC 7009: a refresh or access token the client was issued ends its grant: the session's
   * refresh tokens are revoked and the session ends everywhere. Anything else changes nothing.
   */
  async revoke(body: unknown, authorization: string | undefined, origin: RequestOrigin): Promise<void> {
    const { values, repeated } = singleValues(body);
    if (repeated) throw new OAuthError('invalid_request', `${repeated.slice(0, 64)} must be given once, as a string`);
    if (!values.token) throw new OAuthError('invalid_request', 'token is required');
    const client = await this.clients.authenticate(values, authorization, origin);
    const sessionId = await this.sessionOfToken(values.token, client.id);
    if (!sessionId) return;
    await this.tokens.revokeSession(sessionId);
    try {
      await this.sessions.end(sessionId, 'OAuth token revoked');
    } catch (error) {
      if (isRedisUnavailable(error)) throw new OAuthError('temporarily_unavailable', 'The grant was revoked here; other instances will catch up shortly');
      throw error;
    }
    await this.audit.record({ action: 'oauth.revoke', result: 'success', resource: `oauth-client:${client.id}`, sessionId, details: { clientName: client.name }, origin });
  }

  private async sessionOfToken(token: string, clientId: string): Promise<string | undefined> {
    if (token.startsWith(REFRESH_TOKEN_PREFIX)) return this.tokens.sessionOfClientToken(token, clientId);
    let sessionId: string;
    try {
      sessionId = this.jwt.verify(token).sid;
    } catch {
      return undefined;
    }
    return (await this.tokens.sessionHeldBy(sessionId, clientId)) ? sessionId : undefined;
  }

  private async exchangeCode(client: OAuthClientEntity, values: Readonly<Record<string, string>>, origin: RequestOrigin): Promise<OAuthTokenResponse> {
    const { code, redirect_uri: redirectUri, code_verifier: verifier } = values;
    if (!code || !redirectUri || !verifier) throw new OAuthError('invalid_request', 'code, redirect_uri and code_verifier are required');
    if (values.resource !== undefined && !this.isOurResource(values.resource)) throw new OAuthError('invalid_target', 'resource must be this server (its MCP endpoint)');
    // Spent by deleting it: of two requests with the same code, one gets the row.
    const spent = code.startsWith(CODE_PREFIX) && code.length <= 128 ? await this.spendCode(this.secrets.macs(code)) : undefined;
    const refuse = (description: string): OAuthError => new OAuthError('invalid_grant', description);
    if (!spent || spent.expiresAt.getTime() <= Date.now()) throw refuse('The authorization code is invalid, expired or already used');
    if (spent.clientId !== client.id) throw refuse('The authorization code was issued to another client');
    if (spent.redirectUri !== redirectUri) throw refuse('redirect_uri differs from the one of the authorization request');
    if (!verifierMatches(verifier, spent.codeChallenge)) throw refuse('code_verifier does not match the code challenge');
    if (values.resource !== undefined && spent.resource !== null && values.resource !== spent.resource) throw new OAuthError('invalid_target', 'resource differs from the one of the authorization request');
    const user = await this.users.findById(spent.userId);
    if (!user || user.status !== 'active') throw refuse('The account is no longer active');
    // The code stands for a sign-in made when it was issued.
    const issuedAt = new Date(spent.expiresAt.getTime() - CODE_TTL_MS);
    const { tokens, permissions } = await this.signIn.completeGrant(user, spent.method as Parameters<SignInService['completeGrant']>[1], origin, { clientId: client.id, scope: spent.scope, clientName: client.name }, issuedAt);
    return tokenResponse(tokens, permissions);
  }

  private async refresh(client: OAuthClientEntity, values: Readonly<Record<string, string>>, origin: RequestOrigin): Promise<OAuthTokenResponse> {
    if (!values.refresh_token) throw new OAuthError('invalid_request', 'refresh_token is required');
    if (values.resource !== undefined && !this.isOurResource(values.resource)) throw new OAuthError('invalid_target', 'resource must be this server (its MCP endpoint)');
    const scope = parseScope(values.scope);
    if (scope === undefined) throw new OAuthError('invalid_scope', 'scope must be space-separated scope tokens');
    try {
      const { tokens, permissions } = await this.auth.refreshGrant(values.refresh_token, origin, { clientId: client.id, scope });
      return tokenResponse(tokens, permissions);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 503) throw new OAuthError('temporarily_unavailable', error.message);
      if (error.code === 'VALIDATION_ERROR') throw new OAuthError('invalid_scope', error.message);
      if (error.status === 401) throw new OAuthError('invalid_grant', error.message);
      throw error;
    }
  }

  private async spendCode(codeHashes: readonly string[]): Promise<AuthorizationCodeEntity | undefined> {
    const [rows] = (await this.codes.query(`DELETE FROM oauth_authorization_codes WHERE code_hash = ANY($1) RETURNING code_hash, client_id, user_id, redirect_uri, code_challenge, scope, resource, method, expires_at`, [codeHashes])) as [
      Array<{ code_hash: string; client_id: string; user_id: string; redirect_uri: string; code_challenge: string; scope: string[] | null; resource: string | null; method: string; expires_at: Date }>,
      number,
    ];
    const row = rows[0];
    if (!row) return undefined;
    return this.codes.create({ codeHash: row.code_hash, clientId: row.client_id, userId: row.user_id, redirectUri: row.redirect_uri, codeChallenge: row.code_challenge, scope: row.scope, resource: row.resource, method: row.method, expiresAt: new Date(row.expires_at) });
  }

  /** RFC 8707: the resource a token is for is this server, or its MCP endpoint (a context's included). */
  private isOurResource(resource: string): boolean {
    const base = this.config.publicUrl;
    return resource === base || resource === `${base}/` || resource === `${base}/mcp` || (resource.startsWith(`${base}/mcp/`) && !resource.includes('#') && resource.length <= 2000);
  }

  /**
   * Checks an authorization request. Who asks and where to answer come first: until both are
   * known, problems are told to the user, never sent anywhere (no open redirect).
   */
  private async check(input: unknown, origin: RequestOrigin): Promise<Checked> {
    const { values, repeated } = singleValues(input);
    const refusePage = (message: string): Checked => ({ kind: 'refused', outcome: { kind: 'page', status: 400, html: renderErrorPage(message), problem: message } });
    if (repeated === 'client_id' || repeated === 'redirect_uri') return refusePage(`${repeated} must be given once`);
    if (!values.client_id) return refusePage('The request names no client (client_id).');
    const found = await this.clients.forAuthorization(values.client_id, origin);
    if ('problem' in found) return refusePage(found.problem);
    const client = found.client;
    const redirectUri = values.redirect_uri === undefined ? (client.redirectUris.length === 1 ? client.redirectUris[0] : undefined) : matchRedirectUri(client.redirectUris, values.redirect_uri);
    if (!redirectUri) return refusePage(values.redirect_uri === undefined ? 'The request must name its redirect_uri.' : 'The redirect_uri is not one this application registered.');
    const fields: Partial<Record<RequestField, string>> = { redirect_uri: redirectUri };
    for (const name of REQUEST_FIELDS) if (values[name] !== undefined && name !== 'redirect_uri') fields[name] = values[name];
    const state = values.state;
    const base = { client, redirectUri, state, fields };
    const refuse = (code: OAuthErrorCode, description: string): Checked => ({ kind: 'refused', outcome: this.redirect(base, 302, { error: code, error_description: description }) });
    if (repeated) return refuse('invalid_request', `${repeated.slice(0, 64)} must be given once, as a string`);
    if (Object.values(values).some((value) => value.length > MAX_PARAMETER_LENGTH)) return refuse('invalid_request', `Parameters may be at most ${MAX_PARAMETER_LENGTH} characters`);
    if (values.response_type !== 'code') return refuse('unsupported_response_type', 'response_type must be code');
    if (values.code_challenge_method !== 'S256' || !values.code_challenge || !isS256Challenge(values.code_challenge)) {
      return refuse('invalid_request', 'PKCE is required: code_challenge (43 base64url characters) with code_challenge_method S256');
    }
    const scope = parseScope(values.scope);
    if (scope === undefined) return refuse('invalid_scope', 'scope must be space-separated scope tokens');
    if (values.resource !== undefined && !this.isOurResource(values.resource)) return refuse('invalid_target', 'resource must be this server (its MCP endpoint)');
    return { kind: 'ok', request: { ...base, codeChallenge: values.code_challenge, scope: scope ?? client.scope, resource: values.resource } };
  }

  private page(request: AuthorizationRequest, status: number, view: Partial<Pick<SignInPageView, 'email' | 'message' | 'askForCode'>>): AuthorizeOutcome {
    const html = renderSignInPage(
      {
        ...requestView(request),
        email: view.email,
        message: view.message,
        askForCode: view.askForCode ?? false,
        singleSignOn: this.config.saml !== undefined,
      },
      // Relative: the form goes back to the host the page was served from.
      'authorize',
    );
    // The form's answers redirect to the client, or on to the IdP: CSP's form-action covers redirects.
    const formTargets = [formActionSource(request.redirectUri), ...(this.config.saml ? [new URL(this.config.saml.entryPoint).origin] : [])];
    return { kind: 'page', status, html, formTargets, problem: view.message };
  }

  private redirect(request: Pick<AuthorizationRequest, 'redirectUri' | 'state'>, status: 302 | 303, parameters: Record<string, string>): AuthorizeOutcome {
    // RFC 9207: `iss` tells the client which server answered (mix-up attacks).
    return { kind: 'redirect', status, location: withParameters(request.redirectUri, { ...parameters, state: request.state, iss: this.issuer }) };
  }
}

/** What the consent form's value is the keyed hash of: the browser's sign-in, for this purpose only. */
function consentInput(browserToken: string): string {
  return `oauth-consent:${browserToken}`;
}

/** What every page of a request says of it: who asks, for what, where the answer goes, and its hidden fields. */
function requestView(request: AuthorizationRequest): Pick<SignInPageView, 'clientName' | 'clientId' | 'metadataDocument' | 'returnsTo' | 'scopes' | 'fields'> {
  return {
    clientName: request.client.name,
    clientId: request.client.metadataUrl ?? request.client.id,
    metadataDocument: request.client.metadataUrl ?? undefined,
    returnsTo: formActionSource(request.redirectUri),
    scopes: request.scope,
    fields: request.fields,
  };
}

/** The parameters of a request parked across the IdP, as the client sent them. */
function parkedFields(parked: OAuthSsoRequestEntity, client: OAuthClientEntity): Partial<Record<RequestField, string>> {
  return {
    client_id: client.metadataUrl ?? client.id,
    redirect_uri: parked.redirectUri,
    response_type: 'code',
    code_challenge: parked.codeChallenge,
    code_challenge_method: 'S256',
    ...(parked.state === null ? {} : { state: parked.state }),
    ...(parked.scope === null ? {} : { scope: parked.scope.join(' ') }),
    ...(parked.resource === null ? {} : { resource: parked.resource }),
  };
}

function ssoRefused(message: string): AuthorizeOutcome {
  return { kind: 'page', status: 400, html: renderErrorPage(message), problem: message };
}

/** One cookie's value from a Cookie header. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim() || undefined;
  }
  return undefined;
}

function tokenResponse(tokens: IssuedTokens, permissions: readonly string[]): OAuthTokenResponse {
  return { access_token: tokens.accessToken, token_type: 'Bearer', expires_in: tokens.expiresIn, refresh_token: tokens.refreshToken, scope: permissions.join(' ') };
}
