import { AuditLogEntity } from '@app/audit';
import { OAuthRetention } from '@app/auth';
import type { AuthorizationServerMetadata, MfaEnrollment, OAuthClientInformation, OAuthClientList, OAuthTokenResponse, SessionList, ToolList } from '@app/contracts';
import { Authenticator, BROWSER, clientKeyPair, hiddenFields, type LoggedInUser, MemoryProvider, openRawMcpSession, openWs, pkcePair, registerAndLogin, registerAndLoginAs, signClientAssertion, type TestApp, TestSamlIdp, useTestApp } from '@app/testing';
import { auth, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, describe, expect, it } from 'vitest';

type OAuthErrorBody = { error: string; error_description?: string };

interface Answer<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly location?: URL;
}

const CALLBACK = 'http://127.0.0.1:8765/callback';

/** A browser and an MCP client's raw requests; every answer is checked against openapi.yaml. */
function oauthClient(t: TestApp) {
  async function read(operationId: string, response: Response): Promise<Answer> {
    const text = await response.text();
    const json = (response.headers.get('content-type') ?? '').includes('json');
    const body: unknown = json && text ? JSON.parse(text) : text;
    t.client.validator.assertResponse(operationId, response.status, response.headers.get('content-type'), body);
    const location = response.headers.get('location');
    return { status: response.status, headers: response.headers, body, location: location ? new URL(location) : undefined };
  }

  return {
    async register(metadata: unknown): Promise<Answer<OAuthClientInformation & OAuthErrorBody>> {
      const response = await fetch(`${t.baseUrl}/api/v1/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(metadata) });
      return (await read('registerOAuthClient', response)) as Answer<OAuthClientInformation & OAuthErrorBody>;
    },

    async page(query: string, headers: Readonly<Record<string, string>> = {}): Promise<Answer<string>> {
      return (await read('oauthAuthorize', await fetch(`${t.baseUrl}/api/v1/oauth/authorize?${query}`, { redirect: 'manual', headers: { ...BROWSER, ...headers } }))) as Answer<string>;
    },

    async submit(fields: Readonly<Record<string, string>>, headers: Readonly<Record<string, string>> = {}): Promise<Answer<string>> {
      const response = await fetch(`${t.baseUrl}/api/v1/oauth/authorize`, {
        method: 'POST',
        redirect: 'manual',
        headers: { ...BROWSER, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(fields).toString(),
      });
      return (await read('oauthAuthorizeSubmit', response)) as Answer<string>;
    },

    async token(fields: Readonly<Record<string, string>> | string, headers: Readonly<Record<string, string>> = {}): Promise<Answer<OAuthTokenResponse & OAuthErrorBody>> {
      const body = typeof fields === 'string' ? fields : new URLSearchParams(fields).toString();
      const response = await fetch(`${t.baseUrl}/api/v1/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
      return (await read('oauthToken', response)) as Answer<OAuthTokenResponse & OAuthErrorBody>;
    },
  };
}

describe('OAuth 2.1 authorization server for MCP clients', () => {
  const t = useTestApp({}, { publicUrlOnPort: true });
  const http = oauthClient(t);
  const db = () => t.app.get(DataSource);
  const audits = (action: string) => db().getRepository(AuditLogEntity).find({ where: { action }, order: { timestamp: 'ASC' } });
  const clients: Client[] = [];

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  });

  async function publicClient(extra: Record<string, unknown> = {}): Promise<OAuthClientInformation> {
    const registered = await http.register({ client_name: 'Test agent', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none', ...extra });
    expect(registered.status).toBe(201);
    return registered.body;
  }

  function authorizeQuery(client: Pick<OAuthClientInformation, 'client_id'>, challenge: string, extra: Record<string, string> = {}): string {
    return new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, code_challenge: challenge, code_challenge_method: 'S256', state: 'st-1', ...extra }).toString();
  }

  /** The page, then the form with the user's credentials: the code the client receives. */
  async function authorize(client: Pick<OAuthClientInformation, 'client_id'>, user: LoggedInUser, options: { scope?: string; code?: string; query?: Record<string, string> } = {}): Promise<{ code: string; verifier: string }> {
    const { verifier, challenge } = pkcePair();
    const page = await http.page(authorizeQuery(client, challenge, { ...(options.scope ? { scope: options.scope } : {}), ...options.query }));
    expect(page.status).toBe(200);
    const answer = await http.submit({ ...hiddenFields(page.body), email: user.input.email, password: user.input.password, ...(options.code ? { code: options.code } : {}), decision: 'allow' });
    expect(answer.status).toBe(303);
    const code = answer.location?.searchParams.get('code');
    expect(code).toMatch(/^mcp_ac_/);
    return { code: code as string, verifier };
  }

  async function tokensFor(client: Pick<OAuthClientInformation, 'client_id'>, user: LoggedInUser, scope?: string): Promise<OAuthTokenResponse> {
    const { code, verifier } = await authorize(client, user, { scope });
    const answer = await http.token({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier, client_id: client.client_id });
    expect(answer.status).toBe(200);
    return answer.body;
  }

  describe('discovery', () => {
    it('publishes RFC 8414 metadata for the issuer the protected resource names', async () => {
      const resource = await t.client.call<{ authorization_servers: string[] }>('getProtectedResourceMetadata');
      const metadata = await t.client.call<AuthorizationServerMetadata>('getAuthorizationServerMetadata');
      expect(metadata.status).toBe(200);
      expect(resource.body.authorization_servers).toEqual([metadata.body.issuer]);
      expect(metadata.body).toMatchObject({
        issuer: t.config.publicUrl,
        authorization_endpoint: `${t.config.publicUrl}/api/v1/oauth/authorize`,
        token_endpoint: `${t.config.publicUrl}/api/v1/oauth/token`,
        registration_endpoint: `${t.config.publicUrl}/api/v1/oauth/register`,
        code_challenge_methods_supported: ['S256'],
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        authorization_response_iss_parameter_supported: true,
      });
      expect(metadata.body.scopes_supported).toEqual(expect.arrayContaining(['read:tools', 'execute:tools', 'filesystem:*']));
    });

    it('lets browser-based clients (any origin, no credentials) fetch discovery, register and exchange tokens, and nothing else', async () => {
      const origin = { origin: 'http://localhost:6274' };
      for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-authorization-server', '/.well-known/jwks.json', '/api/v1/oauth/register', '/api/v1/oauth/token', '/api/v1/oauth/revoke', '/api/oauth/token']) {
        const preflight = await fetch(`${t.baseUrl}${path}`, { method: 'OPTIONS', headers: { ...origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
        expect(preflight.status, path).toBe(204);
        expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
        expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
        expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
      }
      const metadata = await fetch(`${t.baseUrl}/.well-known/oauth-authorization-server`, { headers: origin });
      expect(metadata.headers.get('access-control-allow-origin')).toBe('*');
      const token = await fetch(`${t.baseUrl}/api/v1/oauth/token`, { method: 'POST', headers: { ...origin, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=refresh_token' });
      expect(token.headers.get('access-control-allow-origin')).toBe('*');
      for (const path of ['/api/v1/oauth/authorize', '/api/v1/users/me', '/mcp']) {
        const other = await fetch(`${t.baseUrl}${path}`, { headers: origin });
        expect(other.headers.get('access-control-allow-origin'), path).toBeNull();
      }
    });
  });

  describe('the official SDK client, end to end', () => {
    let user: LoggedInUser;
    const provider = new MemoryProvider();
    const serverUrl = () => new URL(`${t.config.publicUrl}/mcp`);

    it('discovers, registers, sends the user to sign in, exchanges the code with PKCE and calls tools', async () => {
      user = await registerAndLogin(t.client);
      const client = new Client({ name: 'e2e-oauth', version: '1.0.0' }, { capabilities: {} });
      clients.push(client);
      const first = new StreamableHTTPClientTransport(serverUrl(), { authProvider: provider });
      await expect(client.connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
      // Registered itself (RFC 7591) and built the authorization URL from the metadata.
      expect(provider.client?.client_id).toMatch(/^[0-9a-f-]{36}$/);
      const url = provider.authorizationUrl as URL;
      expect(`${url.origin}${url.pathname}`).toBe(`${t.config.publicUrl}/api/v1/oauth/authorize`);
      expect(url.searchParams.get('resource')).toBe(`${t.config.publicUrl}/mcp`);
      expect(url.searchParams.get('scope')).toBe('read:tools execute:tools filesystem:read filesystem:write network:http');

      const page = await http.page(url.searchParams.toString());
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(page.headers.get('content-security-policy')).toContain("form-action 'self' http://127.0.0.1:8765");
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.body).toContain('E2E agent');
      expect(page.body).toContain('http://127.0.0.1:8765');
      const answer = await http.submit({ ...hiddenFields(page.body), email: user.input.email, password: user.input.password, decision: 'allow' });
      expect(answer.status).toBe(303);
      const callback = answer.location as URL;
      expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
      expect(callback.searchParams.get('state')).toBe('sdk-state');
      expect(callback.searchParams.get('iss')).toBe(t.config.publicUrl);

      await first.finishAuth(callback.searchParams.get('code') as string);
      // A user holds read:tools and execute:tools of what was asked; the token carries just those.
      expect(provider.stored).toMatchObject({ token_type: 'Bearer', scope: 'read:tools execute:tools' });
      const connected = new Client({ name: 'e2e-oauth', version: '1.0.0' }, { capabilities: {} });
      clients.push(connected);
      await connected.connect(new StreamableHTTPClientTransport(serverUrl(), { authProvider: provider }));
      const tools = await connected.listTools();
      expect(tools.tools.map((tool) => tool.name)).toContain('echo');
      const result = (await connected.callTool({ name: 'echo', arguments: { message: 'signed in through OAuth' } })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      expect(JSON.stringify(result.content)).toContain('signed in through OAuth');

      // The user's session list says which client holds the session; a login's says none.
      const sessions = await t.client.call<SessionList>('listSessions', { headers: user.auth });
      const viaClient = sessions.body.sessions.filter((session) => session.oauthClient !== null && session.oauthClient !== undefined);
      expect(viaClient.map((session) => session.oauthClient)).toEqual([{ id: provider.client?.client_id, name: 'E2E agent' }]);
      expect(sessions.body.sessions.filter((session) => session.connectionType === 'http' && !session.oauthClient)).toHaveLength(1);
      const [login] = (await audits('auth.login')).filter((entry) => entry.userId === user.userId && entry.details?.oauthClient === provider.client?.client_id);
      expect(login).toMatchObject({ result: 'success', details: { method: 'password' } });
      expect((await audits('oauth.authorize')).some((entry) => entry.userId === user.userId && entry.result === 'success')).toBe(true);
      expect((await audits('oauth.client.register')).some((entry) => entry.resource === `oauth-client:${provider.client?.client_id}`)).toBe(true);
    });

    it('refreshes through the SDK; a spent refresh token presented again revokes the whole grant', async () => {
      const before = provider.stored as OAuthTokens;
      expect(await auth(provider, { serverUrl: serverUrl() })).toBe('AUTHORIZED');
      const after = provider.stored as OAuthTokens;
      expect(after.refresh_token).not.toBe(before.refresh_token);
      expect(after.scope).toBe('read:tools execute:tools');
      const me = await t.client.call('getCurrentUser', { headers: { authorization: `Bearer ${after.access_token}` } });
      expect(me.status).toBe(200);

      const replay = await http.token({ grant_type: 'refresh_token', refresh_token: before.refresh_token as string, client_id: provider.client?.client_id as string });
      expect(replay.status).toBe(400);
      expect(replay.body.error).toBe('invalid_grant');
      const next = await http.token({ grant_type: 'refresh_token', refresh_token: after.refresh_token as string, client_id: provider.client?.client_id as string });
      expect(next.body.error).toBe('invalid_grant');
      const ended = await t.client.call('getCurrentUser', { headers: { authorization: `Bearer ${after.access_token}` } });
      expect(ended.status).toBe(401);
    });
  });

  describe('the sign-in page', () => {
    it('gives no code and no browser sign-in for a password the account was claimed through SSO after', async () => {
      const user = await registerAndLogin(t.client);
      // As if the IdP claimed the account while this password was being checked (SsoClaims marks that instant).
      await db().query(`UPDATE users SET email_verified_at = now() + interval '1 hour' WHERE id = $1`, [user.userId]);
      const client = await publicClient();
      const { challenge } = pkcePair();
      const page = await http.page(authorizeQuery(client, challenge));
      const answer = await http.submit({ ...hiddenFields(page.body), email: user.input.email, password: user.input.password, decision: 'allow' });
      expect(answer.status).toBe(303);
      expect(answer.location?.searchParams.get('error')).toBe('access_denied');
      expect(answer.location?.searchParams.get('code')).toBeNull();
      expect(answer.headers.get('set-cookie')).toMatch(/Max-Age=0/);
      expect(await db().query(`SELECT 1 FROM oauth_authorization_codes WHERE user_id = $1`, [user.userId])).toEqual([]);
      expect(await db().query(`SELECT 1 FROM oauth_browser_sessions WHERE user_id = $1`, [user.userId])).toEqual([]);
      // The API's own login is refused the same way, its session ended.
      const login = await t.client.call<{ error: string }>('loginUser', { body: { email: user.input.email, password: user.input.password } });
      expect([login.status, login.body.error]).toEqual([401, 'TOKEN_REVOKED']);
    });

    it('signs in a user with TOTP: the page asks for the code, then a code or a backup code completes it', async () => {
      const user = await registerAndLogin(t.client);
      const enabled = await t.client.call<MfaEnrollment>('enableMfa', { headers: user.auth, body: { type: 'totp' } });
      const authenticator = new Authenticator(enabled.body.secret as string);
      expect((await t.client.call('verifyMfaSetup', { headers: user.auth, body: { code: await authenticator.freshCode(), type: 'totp' } })).status).toBe(200);
      const client = await publicClient();
      const { challenge } = pkcePair();
      const page = await http.page(authorizeQuery(client, challenge));
      const fields = { ...hiddenFields(page.body), email: user.input.email, password: user.input.password, decision: 'allow' };

      const owed = await http.submit(fields);
      expect(owed.status).toBe(401);
      expect(owed.location).toBeUndefined();
      expect(owed.body).toContain('Enter your authentication code');
      expect(owed.body).toMatch(/<input id="code" name="code"[^>]* required/);

      const wrong = await http.submit({ ...fields, code: await authenticator.wrongCode() });
      expect(wrong.status).toBe(401);
      expect(wrong.location).toBeUndefined();

      const signedIn = await http.submit({ ...fields, code: await authenticator.freshCode() });
      expect(signedIn.status).toBe(303);
      expect(signedIn.location?.searchParams.get('code')).toMatch(/^mcp_ac_/);
      const withBackup = await http.submit({ ...fields, code: enabled.body.backupCodes[0].toLowerCase() });
      expect(withBackup.status).toBe(303);
      expect((await http.submit({ ...fields, code: enabled.body.backupCodes[0] })).status).toBe(401);
    });

    it('shows wrong credentials on the page, sends a denial back to the client, and escapes what clients supply', async () => {
      const user = await registerAndLogin(t.client);
      const client = await publicClient({ client_name: '<img src=x onerror=alert(1)>' });
      const { challenge } = pkcePair();
      const page = await http.page(authorizeQuery(client, challenge, { state: '"><script>alert(2)</script>' }));
      expect(page.status).toBe(200);
      expect(page.body).not.toMatch(/<img|<script/);
      const fields = hiddenFields(page.body);
      expect(fields.state).toBe('"><script>alert(2)</script>');

      const wrong = await http.submit({ ...fields, email: user.input.email, password: 'not the password', decision: 'allow' });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toContain('Invalid email or password');
      expect(wrong.location).toBeUndefined();

      const denied = await http.submit({ ...fields, decision: 'deny' });
      expect(denied.status).toBe(303);
      expect(Object.fromEntries(denied.location?.searchParams ?? [])).toMatchObject({ error: 'access_denied', state: '"><script>alert(2)</script>', iss: t.config.publicUrl });
      expect(denied.location?.searchParams.get('code')).toBeNull();
    });

    it('never redirects a request whose client or redirect URI it cannot trust', async () => {
      const client = await publicClient();
      const { challenge } = pkcePair();
      const base = { response_type: 'code', code_challenge: challenge, code_challenge_method: 'S256', state: 's' };
      const untrusted: Array<Record<string, string> | string> = [
        { ...base, redirect_uri: CALLBACK },
        { ...base, client_id: 'not-a-client', redirect_uri: CALLBACK },
        { ...base, client_id: randomUUID(), redirect_uri: CALLBACK },
        { ...base, client_id: client.client_id, redirect_uri: 'https://attacker.example/callback' },
        { ...base, client_id: client.client_id, redirect_uri: 'javascript:alert(1)' },
        { ...base, client_id: client.client_id, redirect_uri: 'http://127.0.0.1:8765/other' },
        { ...base, client_id: client.client_id, redirect_uri: 'http://localhost:8765/callback' },
        `${new URLSearchParams({ ...base, client_id: client.client_id, redirect_uri: CALLBACK }).toString()}&redirect_uri=${encodeURIComponent('https://attacker.example/cb')}`,
      ];
      for (const query of untrusted) {
        const answer = await http.page(typeof query === 'string' ? query : new URLSearchParams(query).toString());
        expect(answer.status, JSON.stringify(query)).toBe(400);
        expect(answer.location).toBeUndefined();
        expect(answer.body).toContain('cannot be completed');
        // The form says the same: no code, no redirect, nothing signed in.
        const submitted = await http.submit(typeof query === 'string' ? Object.fromEntries(new URLSearchParams(query)) : query);
        expect(submitted.status).toBe(400);
        expect(submitted.location).toBeUndefined();
      }
      // A client that does not take HTML is told the same as an OAuth error.
      const api = await fetch(`${t.baseUrl}/api/v1/oauth/authorize?${new URLSearchParams({ ...base, client_id: randomUUID(), redirect_uri: CALLBACK }).toString()}`, { redirect: 'manual' });
      const refusal = (await api.json()) as OAuthErrorBody;
      t.client.validator.assertResponse('oauthAuthorize', api.status, api.headers.get('content-type'), refusal);
      expect(api.status).toBe(400);
      expect(refusal).toMatchObject({ error: 'invalid_request', error_description: 'This application is not registered with the server.' });
    });

    it('sends every other problem back to the registered URI with state and iss', async () => {
      const client = await publicClient();
      const { challenge } = pkcePair();
      const cases: Array<[Record<string, string>, string]> = [
        [{ response_type: 'token' }, 'unsupported_response_type'],
        [{ code_challenge: '' }, 'invalid_request'],
        [{ code_challenge_method: 'plain' }, 'invalid_request'],
        [{ code_challenge: 'too-short' }, 'invalid_request'],
        [{ scope: 'read:"tools"' }, 'invalid_scope'],
        [{ resource: 'https://attacker.example/mcp' }, 'invalid_target'],
        [{ resource: `${t.config.publicUrl}/mcp#x` }, 'invalid_target'],
        [{ state: 'x'.repeat(5000) }, 'invalid_request'],
      ];
      for (const [change, error] of cases) {
        const answer = await http.page(authorizeQuery(client, challenge, change));
        expect(answer.status, JSON.stringify(change)).toBe(302);
        expect(`${answer.location?.origin}${answer.location?.pathname}`).toBe(CALLBACK);
        expect(answer.location?.searchParams.get('error')).toBe(error);
        expect(answer.location?.searchParams.get('iss')).toBe(t.config.publicUrl);
      }
      const twice = await http.page(`${authorizeQuery(client, challenge)}&scope=read%3Atools&scope=execute%3Atools`);
      expect(twice.location?.searchParams.get('error')).toBe('invalid_request');
      // RFC 8252 §7.3: a loopback redirect URI may come back on another port.
      const otherPort = await http.page(authorizeQuery(client, challenge, { redirect_uri: 'http://127.0.0.1:40123/callback' }));
      expect(otherPort.status).toBe(200);
      expect(otherPort.headers.get('content-security-policy')).toContain('http://127.0.0.1:40123');
    });

    it('offers no SSO button and refuses decision=sso', async () => {
      const client = (await http.register({ redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none' })).body;
      const page = await http.page(new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, code_challenge: pkcePair().challenge, code_challenge_method: 'S256' }).toString());
      expect(page.status).toBe(200);
      expect(page.body).not.toContain('Sign in with SSO');
      const sso = await http.submit({ ...hiddenFields(page.body), decision: 'sso' });
      expect(sso.status).toBe(400);
      expect(sso.location).toBeUndefined();
      expect(sso.body).toContain('Single sign-on is not configured');
    });
  });

  describe('the token endpoint', () => {
    let user: LoggedInUser;
    let client: OAuthClientInformation;

    it('exchanges a code once, for the client, redirect URI and verifier it was issued with', async () => {
      user = await registerAndLogin(t.client);
      client = await publicClient();
      const other = await publicClient();
      const exchange = (code: string, verifier: string, change: Record<string, string> = {}) =>
        http.token({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier, client_id: client.client_id, ...change });
      const refused = async (change: Record<string, string>) => {
        const { code, verifier } = await authorize(client, user);
        const answer = await exchange(code, verifier, change);
        expect(answer.status, JSON.stringify(change)).toBe(400);
        expect(answer.body.error).toBe('invalid_grant');
        // The code is gone with the attempt: the right request after it fails too.
        expect((await exchange(code, verifier)).body.error).toBe('invalid_grant');
      };
      await refused({ code_verifier: pkcePair().verifier });
      await refused({ redirect_uri: 'http://127.0.0.1:8765/callback/' });
      await refused({ client_id: other.client_id });
      for (const forged of [`mcp_ac_${randomBytes(32).toString('base64url')}`, 'mcp_ac_', 'x'.repeat(200), "' OR 1=1 --"]) {
        expect((await exchange(forged, pkcePair().verifier)).body.error).toBe('invalid_grant');
      }

      const expired = await authorize(client, user);
      await db().query(`UPDATE oauth_authorization_codes SET expires_at = now() - interval '1 second'`);
      expect((await exchange(expired.code, expired.verifier)).body.error).toBe('invalid_grant');

      const { code, verifier } = await authorize(client, user);
      const first = await exchange(code, verifier);
      expect(first.status).toBe(200);
      expect(first.headers.get('cache-control')).toBe('no-store');
      expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: t.config.accessTokenTtlSeconds, scope: 'execute:tools read:contexts read:sessions read:tools write:contexts' });
      expect((await exchange(code, verifier)).body.error).toBe('invalid_grant');
    });

    it('lets one of two simultaneous exchanges of a code through', async () => {
      const { code, verifier } = await authorize(client, user);
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => http.token({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier, client_id: client.client_id })),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400, 400, 400]);
    });

    it('answers malformed requests with RFC 6749 errors', async () => {
      const { code, verifier } = await authorize(client, user);
      const cases: Array<[Record<string, string> | string, number, string]> = [
        [{ client_id: client.client_id }, 400, 'invalid_request'],
        [{ grant_type: 'password', client_id: client.client_id }, 400, 'unsupported_grant_type'],
        [{ grant_type: 'client_credentials', client_id: client.client_id }, 400, 'unsupported_grant_type'],
        [{ grant_type: 'authorization_code' }, 401, 'invalid_client'],
        [{ grant_type: 'authorization_code', client_id: 'not-a-uuid' }, 401, 'invalid_client'],
        [{ grant_type: 'authorization_code', client_id: randomUUID() }, 401, 'invalid_client'],
        [{ grant_type: 'authorization_code', client_id: client.client_id, client_secret: 'a secret a public client never had' }, 401, 'invalid_client'],
        [{ grant_type: 'authorization_code', client_id: client.client_id, code }, 400, 'invalid_request'],
        [{ grant_type: 'refresh_token', client_id: client.client_id }, 400, 'invalid_request'],
        [{ grant_type: 'refresh_token', client_id: client.client_id, refresh_token: 'mcp_rt_forged' }, 400, 'invalid_grant'],
        [{ grant_type: 'refresh_token', client_id: client.client_id, refresh_token: 'x', scope: 'a"b' }, 400, 'invalid_scope'],
        [{ grant_type: 'authorization_code', client_id: client.client_id, code, redirect_uri: CALLBACK, code_verifier: verifier, resource: 'https://attacker.example/mcp' }, 400, 'invalid_target'],
        [`grant_type=authorization_code&grant_type=refresh_token&client_id=${client.client_id}`, 400, 'invalid_request'],
      ];
      for (const [fields, status, error] of cases) {
        const answer = await http.token(fields);
        expect(answer.status, JSON.stringify(fields)).toBe(status);
        expect(answer.body.error).toBe(error);
        expect(answer.body.error_description).toEqual(expect.any(String));
        if (status === 401) expect(answer.headers.get('www-authenticate')).toContain('Basic');
      }
      // The code survived every refused request that did not reach it.
      const good = await http.token({ grant_type: 'authorization_code', client_id: client.client_id, code, redirect_uri: CALLBACK, code_verifier: verifier, resource: `${t.config.publicUrl}/mcp` });
      expect(good.status).toBe(200);
      const json = await fetch(`${t.baseUrl}/api/v1/oauth/token`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'grant_type=refresh_token' });
      expect(json.status).toBe(415);
    });

    it('authenticates a confidential client as it registered (Basic), and refuses it any other way', async () => {
      const registered = await http.register({ client_name: 'Server-side agent', redirect_uris: ['https://agent.example.com/oauth/callback'] });
      expect(registered.status).toBe(201);
      expect(registered.body).toMatchObject({ token_endpoint_auth_method: 'client_secret_basic', client_secret: expect.stringMatching(/^mcp_cs_/), client_secret_expires_at: 0 });
      const confidential = registered.body;
      const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}` });
      const { verifier, challenge } = pkcePair();
      const page = await http.page(authorizeQuery(confidential, challenge, { redirect_uri: 'https://agent.example.com/oauth/callback' }));
      const signedIn = await http.submit({ ...hiddenFields(page.body), email: user.input.email, password: user.input.password, decision: 'allow' });
      const code = signedIn.location?.searchParams.get('code') as string;
      const request = { grant_type: 'authorization_code', code, redirect_uri: 'https://agent.example.com/oauth/callback', code_verifier: verifier };
      expect((await http.token({ ...request, client_id: confidential.client_id })).status).toBe(401);
      expect((await http.token(request, basic(confidential.client_id, 'mcp_cs_wrong'))).status).toBe(401);
      expect((await http.token({ ...request, client_id: confidential.client_id, client_secret: confidential.client_secret as string })).body.error).toBe('invalid_client');
      expect((await http.token({ ...request, client_id: client.client_id }, basic(confidential.client_id, confidential.client_secret as string))).body.error).toBe('invalid_request');
      expect((await http.token(request, { authorization: 'Bearer something' })).body.error).toBe('invalid_client');
      const good = await http.token(request, basic(confidential.client_id, confidential.client_secret as string));
      expect(good.status).toBe(200);
    });

    it('narrows a grant to the scope asked for, and keeps refreshes within it', async () => {
      const developer = await registerAndLoginAs(t, ['developer']);
      const full = await tokensFor(client, developer);
      expect(full.scope.split(' ')).toEqual(expect.arrayContaining(['filesystem:*', 'network:http']));
      const listed = async (token: string) => (await t.client.call<ToolList>('listTools', { headers: { authorization: `Bearer ${token}` } })).body.tools.map((tool) => tool.name);
      expect(await listed(full.access_token)).toEqual(expect.arrayContaining(['echo', 'filesystem', 'http_request']));

      const narrow = await tokensFor(client, developer, 'read:tools execute:tools filesystem:read write:users');
      expect(narrow.scope).toBe('read:tools execute:tools filesystem:read');
      const tools = await listed(narrow.access_token);
      expect(tools).toEqual(expect.arrayContaining(['echo', 'filesystem']));
      expect(tools).not.toContain('http_request');
      const write = await t.client.call('executeTool', { params: { id: 'filesystem' }, headers: { authorization: `Bearer ${narrow.access_token}` }, body: { parameters: { operation: 'write', path: '/oauth.txt', content: 'x' } } });
      expect(write.status).toBe(403);

      const wider = await http.token({ grant_type: 'refresh_token', refresh_token: narrow.refresh_token, client_id: client.client_id, scope: 'read:tools network:http' });
      expect(wider.body.error).toBe('invalid_scope');
      // Refused before it was spent: the same refresh token still works, narrower still.
      const narrower = await http.token({ grant_type: 'refresh_token', refresh_token: narrow.refresh_token, client_id: client.client_id, scope: 'read:tools' });
      expect(narrower.status).toBe(200);
      expect(narrower.body.scope).toBe('read:tools');
      const kept = await http.token({ grant_type: 'refresh_token', refresh_token: narrower.body.refresh_token, client_id: client.client_id });
      expect(kept.body.scope).toBe('read:tools');

      const nothingHeld = await tokensFor(client, developer, 'write:users');
      expect(nothingHeld.scope).toBe('');
      expect((await t.client.call('listTools', { headers: { authorization: `Bearer ${nothingHeld.access_token}` } })).status).toBe(403);
    });

    it('binds a refresh token to its client: another client, or POST /auth/refresh, cannot spend it; logout ends it', async () => {
      const tokens = await tokensFor(client, user);
      const other = await publicClient();
      expect((await http.token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: other.client_id })).body.error).toBe('invalid_grant');
      expect((await t.client.call('refreshToken', { body: { refreshToken: tokens.refresh_token } })).status).toBe(401);
      const logout = await t.client.call('logoutUser', { headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(logout.status).toBe(200);
      expect((await http.token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: client.client_id })).body.error).toBe('invalid_grant');
    });
  });

  describe('step-up authorization on /mcp (insufficient_scope)', () => {
    type RpcAnswer = { jsonrpc: '2.0'; id: number; result?: { tools?: Array<{ name: string }>; isError?: boolean; content?: Array<{ text?: string }>; _meta?: { code?: string } }; error?: { code: number; message: string; data?: { code?: string; scope?: string } } };

    async function mcpCall(headers: Record<string, string>, method: string, params: Record<string, unknown>): Promise<{ status: number; challenge: string | null; body: RpcAnswer }> {
      const response = await fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
      const body = (await response.json()) as RpcAnswer;
      t.client.validator.assertResponse('mcpPost', response.status, response.headers.get('content-type'), body);
      return { status: response.status, challenge: response.headers.get('www-authenticate'), body };
    }

    /** The parameters of a Bearer challenge (RFC 6750 §3). */
    function challengeParams(header: string | null): Record<string, string> {
      expect(header).toMatch(/^Bearer /);
      return Object.fromEntries([...(header as string).matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1], match[2]]));
    }

    const writeFile = (path: string) => ({ name: 'filesystem', arguments: { operation: 'write', path, content: 'stepped up' } });

    it('shows a narrowed token its user’s tools, answers a call beyond its scope 403 with the scope to ask for, and that scope lets it through', async () => {
      const developer = await registerAndLoginAs(t, ['developer']);
      const client = await publicClient();
      const narrow = await tokensFor(client, developer, 'read:tools execute:tools filesystem:read');
      const headers = await openRawMcpSession(t.baseUrl, narrow.access_token);

      const listed = await mcpCall(headers, 'tools/list', {});
      expect(listed.body.result?.tools?.map((tool) => tool.name)).toEqual(expect.arrayContaining(['echo', 'filesystem', 'http_request']));
      const within = await mcpCall(headers, 'tools/call', { name: 'echo', arguments: { message: 'within scope' } });
      expect(within.status).toBe(200);
      expect(within.body.result?.isError).toBeFalsy();

      const write = await mcpCall(headers, 'tools/call', writeFile('/step-up.txt'));
      expect(write.status).toBe(403);
      const params = challengeParams(write.challenge);
      expect(params.error).toBe('insufficient_scope');
      expect(params.resource_metadata).toBe(`${t.config.publicUrl}/.well-known/oauth-protected-resource`);
      // What the token has and what the call lacks: a grant of it replaces the token's.
      expect(params.scope.split(' ').sort()).toEqual(['execute:tools', 'filesystem:read', 'filesystem:write', 'read:tools']);
      expect(write.body.error).toMatchObject({ code: -32003, data: { code: 'FORBIDDEN', scope: params.scope } });
      const http = await mcpCall(headers, 'tools/call', { name: 'http_request', arguments: { url: 'https://example.com' } });
      expect(http.status).toBe(403);
      expect(challengeParams(http.challenge).scope.split(' ')).toContain('network:http');
      const denied = (await audits('tool.execute')).filter((entry) => entry.userId === developer.userId && entry.result === 'denied');
      expect(denied.map((entry) => entry.details?.missing)).toEqual([['filesystem:write'], ['network:http']]);

      const stepped = await tokensFor(client, developer, params.scope);
      expect(stepped.scope.split(' ')).toContain('filesystem:write');
      const wider = await openRawMcpSession(t.baseUrl, stepped.access_token);
      const written = await mcpCall(wider, 'tools/call', writeFile('/step-up.txt'));
      expect(written.status).toBe(200);
      expect(written.body.result?.isError).toBeFalsy();
      const read = await mcpCall(wider, 'tools/call', { name: 'filesystem', arguments: { operation: 'read', path: '/step-up.txt' } });
      expect(JSON.stringify(read.body.result?.content)).toContain('stepped up');
    });

    it('asks only for what a new grant could give: a permission the user lacks, an API key and the WebSocket door get the usual refusal', async () => {
      const user = await registerAndLogin(t.client);
      const client = await publicClient();
      // A user holds execute:tools: a token without it is shown echo and asked to step up for it.
      const listOnly = await tokensFor(client, user, 'read:tools');
      const listOnlySession = await openRawMcpSession(t.baseUrl, listOnly.access_token);
      expect((await mcpCall(listOnlySession, 'tools/list', {})).body.result?.tools?.map((tool) => tool.name)).toContain('echo');
      const echo = await mcpCall(listOnlySession, 'tools/call', { name: 'echo', arguments: { message: 'x' } });
      expect(echo.status).toBe(403);
      expect(challengeParams(echo.challenge).scope).toBe('read:tools execute:tools');
      // Nor is listing refused to a token without read:tools whose user holds it: it sees its user's tools.
      const callOnly = await openRawMcpSession(t.baseUrl, (await tokensFor(client, user, 'execute:tools')).access_token);
      expect((await mcpCall(callOnly, 'tools/list', {})).body.result?.tools?.map((tool) => tool.name)).toContain('echo');
      // The filesystem tool needs filesystem:read, which no grant gives this user: unknown here, as before.
      const full = await tokensFor(client, user);
      const fullSession = await openRawMcpSession(t.baseUrl, full.access_token);
      expect((await mcpCall(fullSession, 'tools/list', {})).body.result?.tools?.map((tool) => tool.name)).not.toContain('filesystem');
      const unheld = await mcpCall(fullSession, 'tools/call', writeFile('/nope.txt'));
      expect(unheld.status).toBe(200);
      expect(unheld.challenge).toBeNull();
      expect(unheld.body.error).toMatchObject({ code: -32602, message: 'Unknown tool: filesystem' });

      // An API key cannot be granted anew: its scopes are what it acts with.
      const developer = await registerAndLoginAs(t, ['developer']);
      const key = await t.client.call<{ key: string }>('createApiKey', { headers: developer.auth, body: { name: 'narrow', scopes: ['read:tools', 'execute:tools', 'filesystem:read'] } });
      expect(key.status).toBe(201);
      const keySession = await openRawMcpSession(t.baseUrl, key.body.key);
      expect((await mcpCall(keySession, 'tools/list', {})).body.result?.tools?.map((tool) => tool.name)).not.toContain('http_request');
      const keyWrite = await mcpCall(keySession, 'tools/call', writeFile('/key.txt'));
      expect(keyWrite.status).toBe(200);
      expect(keyWrite.challenge).toBeNull();
      expect(keyWrite.body.result).toMatchObject({ isError: true, _meta: { code: 'FORBIDDEN' } });

      // /ws has no way to ask for a new grant mid-connection: the call's own refusal, unchanged.
      const narrow = await tokensFor(client, developer, 'read:tools execute:tools filesystem:read');
      const ws = await openWs(t.baseUrl, { headers: { authorization: `Bearer ${narrow.access_token}` } });
      try {
        const answer = await ws.request('tools/call', writeFile('/ws.txt'));
        expect(answer.result).toMatchObject({ isError: true, _meta: { code: 'FORBIDDEN' } });
      } finally {
        ws.close();
      }
    });

    it('the official SDK client reads the challenge and sends the user to grant the wider scope, then the call goes through', async () => {
      const developer = await registerAndLoginAs(t, ['developer']);
      const registered = await publicClient();
      const narrow = await tokensFor(registered, developer, 'read:tools execute:tools filesystem:read');
      // Without a refresh token the SDK goes straight to the authorization page (with one, it
      // refreshes first, which cannot widen a grant: RFC 6749 §6).
      const provider = new MemoryProvider();
      provider.client = registered;
      provider.stored = { access_token: narrow.access_token, token_type: 'Bearer', scope: narrow.scope };
      const sdk = new Client({ name: 'e2e-step-up', version: '1.0.0' }, { capabilities: {} });
      clients.push(sdk);
      const transport = new StreamableHTTPClientTransport(new URL(`${t.config.publicUrl}/mcp`), { authProvider: provider });
      await sdk.connect(transport);
      await expect(sdk.callTool(writeFile('/sdk.txt'))).rejects.toBeInstanceOf(UnauthorizedError);
      const url = provider.authorizationUrl as URL;
      expect(url.searchParams.get('scope')?.split(' ').sort()).toEqual(['execute:tools', 'filesystem:read', 'filesystem:write', 'read:tools']);

      const page = await http.page(url.searchParams.toString());
      const answer = await http.submit({ ...hiddenFields(page.body), email: developer.input.email, password: developer.input.password, decision: 'allow' });
      expect(answer.status).toBe(303);
      await transport.finishAuth(answer.location?.searchParams.get('code') as string);
      expect(provider.stored?.scope?.split(' ')).toContain('filesystem:write');
      const result = (await sdk.callTool(writeFile('/sdk.txt'))) as CallToolResult;
      expect(result.isError).toBeFalsy();
    });
  });

  describe('private_key_jwt clients (RFC 7523)', () => {
    const tokenEndpoint = () => `${t.config.publicUrl}/api/v1/oauth/token`;
    const assertionFields = (clientId: string, assertion: string): Record<string, string> => ({ client_id: clientId, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion });

    it('registers with its public keys, proves itself with a signed assertion at every grant, and each assertion works once', async () => {
      const key = clientKeyPair('ec');
      const registered = await http.register({ client_name: 'Keyed agent', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.jwk] } });
      expect(registered.status).toBe(201);
      expect(registered.body).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.jwk] } });
      expect(registered.body.client_secret).toBeUndefined();
      const clientId = registered.body.client_id;
      const admin = await registerAndLoginAs(t, ['admin']);
      const listed = await t.client.call<OAuthClientList>('listOAuthClients', { headers: admin.auth, query: { limit: 100 } });
      expect(listed.body.clients.find((client) => client.clientId === clientId)).toMatchObject({ tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: null, inlineKeys: 1 });
      const sign = (options: Partial<Parameters<typeof signClientAssertion>[1]> = {}) => signClientAssertion(key.privateKey, { clientId, audience: tokenEndpoint(), kid: key.jwk.kid, ...options });
      const user = await registerAndLogin(t.client);

      const first = await authorize(registered.body, user);
      const exchange = { grant_type: 'authorization_code', code: first.code, redirect_uri: CALLBACK, code_verifier: first.verifier };
      // Without proof, or with a proof that does not hold, the code stays unspent.
      expect((await http.token({ ...exchange, client_id: clientId })).body.error).toBe('invalid_client');
      const wrongKey = await http.token({ ...exchange, ...assertionFields(clientId, signClientAssertion(clientKeyPair('ec').privateKey, { clientId, audience: tokenEndpoint() })) });
      expect(wrongKey.status).toBe(401);
      expect(wrongKey.body.error_description).toMatch(/signature does not verify/);
      const elsewhere = await http.token({ ...exchange, ...assertionFields(clientId, sign({ audience: 'https://other.example/token' })) });
      expect(elsewhere.body.error_description).toMatch(/aud must name this server/);
      const alsoSecret = await http.token({ ...exchange, ...assertionFields(clientId, sign()), client_secret: 'mcp_cs_x' });
      expect(alsoSecret.body.error).toBe('invalid_request');
      const badType = await http.token({ ...exchange, ...assertionFields(clientId, sign()), client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' });
      expect(badType.body.error).toBe('invalid_client');

      // client_id may be left out: the assertion's sub names the client.
      const assertion = sign();
      const { client_id: _omitted, ...withoutId } = assertionFields(clientId, assertion);
      const tokens = await http.token({ ...exchange, ...withoutId });
      expect(tokens.status).toBe(200);
      const me = await t.client.call('getCurrentUser', { headers: { authorization: `Bearer ${tokens.body.access_token}` } });
      expect(me.status).toBe(200);

      // The same assertion again (a replay), even for another grant: refused.
      const refreshFields = { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token };
      const replay = await http.token({ ...refreshFields, ...assertionFields(clientId, assertion) });
      expect(replay.status).toBe(401);
      expect(replay.body.error_description).toMatch(/jti was already used/);
      const refreshed = await http.token({ ...refreshFields, ...assertionFields(clientId, sign({ audience: t.config.publicUrl })) });
      expect(refreshed.status).toBe(200);
      // A secret-style request from this client is not enough.
      expect((await http.token({ grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token, client_id: clientId })).body.error).toBe('invalid_client');

      const revoked = await fetch(`${t.baseUrl}/api/v1/oauth/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: refreshed.body.refresh_token, ...assertionFields(clientId, sign({ audience: `${t.config.publicUrl}/api/v1/oauth/revoke` })) }).toString(),
      });
      expect(revoked.status).toBe(200);
      expect((await http.token({ grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token, ...assertionFields(clientId, sign()) })).body.error).toBe('invalid_grant');
      expect(await db().query(`SELECT count(*)::int AS n FROM oauth_client_assertions`)).toEqual([{ n: 4 }]);
    });

    it('refuses registrations whose keys cannot prove anything', async () => {
      const { jwk, privateKey } = clientKeyPair('ec');
      const base = { redirect_uris: [CALLBACK], token_endpoint_auth_method: 'private_key_jwt' };
      const refusals: Array<[Record<string, unknown>, RegExp]> = [
        [{}, /jwks_uri or jwks/],
        [{ jwks: { keys: [jwk] }, jwks_uri: 'https://agent.example/jwks.json' }, /one of the two/],
        [{ jwks: { keys: [privateKey.export({ format: 'jwk' })] } }, /private member "d"/],
        [{ jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }, /RSA, EC or OKP/],
        [{ jwks: [jwk] }, /JWK Set/],
        [{ jwks_uri: 'http://agent.example/jwks.json' }, /https URL/],
      ];
      for (const [fields, reason] of refusals) {
        const answer = await http.register({ ...base, ...fields });
        expect(answer.status, JSON.stringify(fields)).toBe(400);
        expect(answer.body).toMatchObject({ error: 'invalid_client_metadata' });
        expect(answer.body.error_description).toMatch(reason);
      }
    });

    it('is announced in the metadata, with the algorithms an assertion may use', async () => {
      const metadata = await fetch(`${t.baseUrl}/.well-known/oauth-authorization-server`).then((response) => response.json() as Promise<AuthorizationServerMetadata>);
      expect(metadata.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
      expect(metadata.token_endpoint_auth_signing_alg_values_supported).toEqual(expect.arrayContaining(['RS256', 'ES256', 'EdDSA']));
      expect(metadata.token_endpoint_auth_signing_alg_values_supported).not.toContain('none');
      expect(metadata.revocation_endpoint_auth_methods_supported).toContain('private_key_jwt');
    });
  });

  describe('a browser signed in at the authorization endpoint', () => {
    const SIGN_IN = 'smcp_oauth_signin';

    /** The sign-in cookie an answer sets, as a Cookie header (undefined when it sets none). */
    function signInCookie(answer: Answer<string>): string | undefined {
      const set = answer.headers.getSetCookie().find((cookie) => cookie.startsWith(`${SIGN_IN}=`));
      return set ? set.split(';')[0] : undefined;
    }

    function query(client: Pick<OAuthClientInformation, 'client_id'>, extra: Record<string, string> = {}): { query: string; verifier: string } {
      const { verifier, challenge } = pkcePair();
      return { query: authorizeQuery(client, challenge, extra), verifier };
    }

    async function signInThroughForm(client: Pick<OAuthClientInformation, 'client_id'>, user: LoggedInUser, scope: string): Promise<string> {
      const first = await http.page(query(client, { scope }).query);
      const answer = await http.submit({ ...hiddenFields(first.body), email: user.input.email, password: user.input.password, decision: 'allow' });
      expect(answer.status).toBe(303);
      const setCookie = answer.headers.getSetCookie().find((cookie) => cookie.startsWith(`${SIGN_IN}=`)) as string;
      // Only for this endpoint, never for scripts, gone when the browser closes.
      expect(setCookie).toMatch(/; Path=\/api\/v1\/oauth\/authorize; HttpOnly; SameSite=Lax$/);
      return signInCookie(answer) as string;
    }

    const codeOf = (answer: Answer<string>) => answer.location?.searchParams.get('code');

    it('asks a signed-in browser for a click, then for nothing it allowed before; prompt asks again, or never', async () => {
      const user = await registerAndLogin(t.client);
      const client = await publicClient();
      const cookie = { cookie: await signInThroughForm(client, user, 'read:tools') };

      // Allowed before, in this browser: the code at once, and it is the user's.
      const again = query(client, { scope: 'read:tools' });
      const silent = await http.page(again.query, cookie);
      expect(silent.status).toBe(302);
      const tokens = await http.token({ grant_type: 'authorization_code', code: codeOf(silent) as string, redirect_uri: CALLBACK, code_verifier: again.verifier, client_id: client.client_id });
      expect(tokens.status).toBe(200);
      expect(tokens.body.scope).toBe('read:tools');
      const me = await t.client.call<{ id: string }>('getCurrentUser', { headers: { authorization: `Bearer ${tokens.body.access_token}` } });
      expect(me.body.id).toBe(user.userId);

      // More than was allowed: a page that says who is signed in, with no password field.
      const wider = query(client, { scope: 'read:tools execute:tools' });
      const consent = await http.page(wider.query, cookie);
      expect(consent.status).toBe(200);
      expect(consent.body).toContain(`Signed in as <strong>${user.input.email}</strong>`);
      expect(consent.body).not.toContain('type="password"');
      const allowed = await http.submit({ ...hiddenFields(consent.body), decision: 'allow' }, cookie);
      expect(allowed.status).toBe(303);
      expect(codeOf(allowed)).toMatch(/^mcp_ac_/);
      expect((await http.page(query(client, { scope: 'execute:tools' }).query, cookie)).status).toBe(302);

      expect((await http.page(query(client, { scope: 'read:tools', prompt: 'consent' }).query, cookie)).body).toContain('Signed in as');
      expect((await http.page(query(client, { scope: 'read:tools', prompt: 'login' }).query, cookie)).body).toContain('type="password"');
      expect(codeOf(await http.page(query(client, { scope: 'read:tools', prompt: 'none' }).query, cookie))).toMatch(/^mcp_ac_/);
      const notSignedIn = await http.page(query(client, { prompt: 'none' }).query);
      expect(notSignedIn.location?.searchParams.get('error')).toBe('login_required');
      const otherClient = await publicClient();
      const notAllowed = await http.page(query(otherClient, { prompt: 'none' }).query, cookie);
      expect(notAllowed.location?.searchParams.get('error')).toBe('consent_required');
      expect((await http.page(query(client, { prompt: 'select_account' }).query, cookie)).location?.searchParams.get('error')).toBe('invalid_request');
      const silentAudits = (await audits('oauth.authorize')).filter((entry) => entry.userId === user.userId && entry.details?.allowedBefore === true);
      expect(silentAudits).toHaveLength(3);
    });

    it("takes an allow only with this browser's sign-in and its own page; switching, a change of rights, a new password or a change of status ends the sign-in", async () => {
      const user = await registerAndLogin(t.client);
      const client = await publicClient();
      const cookie = { cookie: await signInThroughForm(client, user, 'read:tools') };
      const consentPage = await http.page(query(client, { scope: 'execute:tools' }).query, cookie);
      const fields = hiddenFields(consentPage.body);
      expect(fields.consent).toBeTruthy();

      // Another site's form reaches here without the cookie (SameSite=Lax), or without this page's value.
      const noCookie = await http.submit({ ...fields, decision: 'allow' });
      expect(noCookie.status).toBe(401);
      expect(noCookie.body).toContain('type="password"');
      expect((await http.submit({ ...fields, consent: 'forged', decision: 'allow' }, cookie)).status).toBe(403);
      const otherBrowser = { cookie: await signInThroughForm(client, user, 'read:tools') };
      expect((await http.submit({ ...fields, decision: 'allow' }, otherBrowser)).status).toBe(403);

      // "Use another account": the sign-in form, the cookie cleared, the sign-in gone.
      const switched = await http.submit({ ...fields, decision: 'switch' }, cookie);
      expect(switched.status).toBe(200);
      expect(switched.body).toContain('type="password"');
      expect(switched.headers.getSetCookie().some((set) => set.startsWith(`${SIGN_IN}=;`) && set.includes('Max-Age=0'))).toBe(true);
      expect((await http.page(query(client, { scope: 'read:tools' }).query, cookie)).status).toBe(200);

      // The user's rights change: every browser signed in as them signs in again.
      expect((await http.page(query(client, { scope: 'read:tools' }).query, otherBrowser)).status).toBe(302);
      const admin = await registerAndLoginAs(t, ['admin']);
      expect((await t.client.call('updateUserRoles', { headers: admin.auth, params: { id: user.userId }, body: { roles: ['user', 'developer'] } })).status).toBe(200);
      expect((await http.page(query(client, { scope: 'read:tools' }).query, otherBrowser)).body).toContain('type="password"');

      // A new password (set here as a password reset would): the sign-in no longer counts.
      const beforeReset = { cookie: await signInThroughForm(client, user, 'read:tools') };
      const [{ password_hash: hash }] = (await db().query(`SELECT password_hash FROM users WHERE id = $1`, [user.userId])) as Array<{ password_hash: string }>;
      await db().query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [user.userId, `${hash}-reset`]);
      expect((await http.page(query(client, { scope: 'read:tools' }).query, beforeReset)).body).toContain('type="password"');
      await db().query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [user.userId, hash]);

      // Suspended: the sign-in no longer counts.
      const third = { cookie: await signInThroughForm(client, user, 'read:tools') };
      await db().query(`UPDATE users SET status = 'suspended' WHERE id = $1`, [user.userId]);
      expect((await http.page(query(client, { scope: 'read:tools' }).query, third)).body).toContain('type="password"');
    });
  });

  describe("what an application's token may not do", () => {
    it("says which client holds it, runs tools within its grant, and never touches the account's credentials", async () => {
      const user = await registerAndLogin(t.client);
      const client = await publicClient({ client_name: 'Grabby agent' });
      const held = await tokensFor(client, user, 'read:tools execute:tools');
      const claims = JSON.parse(Buffer.from(held.access_token.split('.')[1], 'base64url').toString()) as { client_id?: string };
      expect(claims.client_id).toBe(client.client_id);
      expect(JSON.parse(Buffer.from(user.accessToken.split('.')[1], 'base64url').toString())).not.toHaveProperty('client_id');
      const refreshed = await http.token({ grant_type: 'refresh_token', refresh_token: held.refresh_token as string, client_id: client.client_id });
      expect(JSON.parse(Buffer.from(refreshed.body.access_token.split('.')[1], 'base64url').toString())).toMatchObject({ client_id: client.client_id });

      const asApp = { authorization: `Bearer ${refreshed.body.access_token}` };
      expect((await t.client.call('getCurrentUser', { headers: asApp })).status).toBe(200);
      expect((await t.client.call('executeTool', { headers: asApp, params: { id: 'echo' }, body: { parameters: { message: 'within the grant' } } })).status).toBe(200);
      // A key that would outlive the grant, MFA turned on or off with the app's own secret, the other apps let in: refused.
      const refusals = [
        await t.client.call('createApiKey', { headers: asApp, body: { name: 'forever', scopes: ['read:tools'] } }),
        await t.client.call('listApiKeys', { headers: asApp }),
        await t.client.call('enableMfa', { headers: asApp, body: { type: 'totp' } }),
        await t.client.call('disableMfa', { headers: asApp, body: { code: '000000' } }),
        await t.client.call('listOAuthGrants', { headers: asApp }),
        await t.client.call('revokeOAuthGrant', { headers: asApp, params: { clientId: client.client_id } }),
      ];
      expect(refusals.map((answer) => answer.status)).toEqual([403, 403, 403, 403, 403, 403]);
      expect((await t.client.call<{ apiKeys: unknown[] }>('listApiKeys', { headers: user.auth })).body.apiKeys).toEqual([]);
      // Signing the user out of the login session: refused; someone else's session: not found, as for the user.
      const sessionOf = (token: string): string => (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sid: string }).sid;
      const signOutUser = await t.client.call<{ message: string }>('terminateSession', { headers: asApp, params: { id: sessionOf(user.accessToken) } });
      expect(signOutUser.status).toBe(403);
      expect(signOutUser.body.message).toContain('only its own session');
      const stranger = await registerAndLogin(t.client);
      expect((await t.client.call('terminateSession', { headers: asApp, params: { id: sessionOf(stranger.accessToken) } })).status).toBe(404);
      expect((await t.client.call('getCurrentUser', { headers: user.auth })).status).toBe(200);
      // The user's own sign-in still does all of it.
      expect((await t.client.call('createApiKey', { headers: user.auth, body: { name: 'mine', scopes: ['read:tools'] } })).status).toBe(201);
      expect((await t.client.call<{ grants: unknown[] }>('listOAuthGrants', { headers: user.auth })).body.grants).toHaveLength(1);
      // The application signs itself out: its own session ends, its token stops.
      expect((await t.client.call('terminateSession', { headers: asApp, params: { id: sessionOf(refreshed.body.access_token) } })).status).toBe(200);
      expect((await t.client.call('getCurrentUser', { headers: asApp })).status).toBe(401);
    });
  });

  describe("a user's own list of the applications it let in", () => {
    type GrantList = { grants: Array<{ clientId: string; name: string | null; scope: string | null; grantedAt: string | null; activeSessions: number }> };

    it('lists what each client was allowed and holds; withdrawing one ends its sessions at once and forgets what it was allowed', async () => {
      const user = await registerAndLogin(t.client);
      const other = await registerAndLogin(t.client);
      const kept = await publicClient({ client_name: 'Kept agent' });
      const withdrawn = await publicClient({ client_name: 'Withdrawn agent' });
      await tokensFor(kept, user, 'read:tools');
      const held = await tokensFor(withdrawn, user, 'read:tools execute:tools');
      await tokensFor(withdrawn, user, 'read:tools');
      const othersGrant = await tokensFor(withdrawn, other, 'read:tools');
      // A code issued but not yet exchanged when the user withdraws.
      const pending = await authorize(withdrawn, user, { scope: 'read:tools' });

      const listed = await t.client.call<GrantList>('listOAuthGrants', { headers: user.auth });
      expect(listed.status).toBe(200);
      expect(listed.body.grants.map((grant) => [grant.name, grant.scope, grant.activeSessions])).toEqual([
        ['Withdrawn agent', 'execute:tools read:tools', 2],
        ['Kept agent', 'read:tools', 1],
      ]);
      const withdrawnId = listed.body.grants[0].clientId;

      expect((await t.client.call('revokeOAuthGrant', { headers: user.auth, params: { clientId: withdrawnId } })).status).toBe(204);
      // Its tokens stop at once; its refresh token is spent; the other client and the other user keep theirs.
      expect((await t.client.call('getCurrentUser', { headers: { authorization: `Bearer ${held.access_token}` } })).status).toBe(401);
      expect((await http.token({ grant_type: 'refresh_token', refresh_token: held.refresh_token, client_id: withdrawn.client_id })).body.error).toBe('invalid_grant');
      const late = await http.token({ grant_type: 'authorization_code', code: pending.code, redirect_uri: CALLBACK, code_verifier: pending.verifier, client_id: withdrawn.client_id });
      expect([late.status, late.body.error]).toEqual([400, 'invalid_grant']);
      expect((await t.client.call('getCurrentUser', { headers: { authorization: `Bearer ${othersGrant.access_token}` } })).status).toBe(200);
      expect((await t.client.call<GrantList>('listOAuthGrants', { headers: user.auth })).body.grants.map((grant) => grant.name)).toEqual(['Kept agent']);
      expect((await audits('oauth.grant.revoke')).find((entry) => entry.userId === user.userId)).toMatchObject({ result: 'success', details: { endedSessions: 2 } });

      // Nothing left to withdraw, a malformed id, or someone else's: refused.
      expect((await t.client.call('revokeOAuthGrant', { headers: user.auth, params: { clientId: withdrawnId } })).status).toBe(404);
      expect((await t.client.call('revokeOAuthGrant', { headers: user.auth, params: { clientId: 'not-a-uuid' } })).status).toBe(400);
      expect((await t.client.call('revokeOAuthGrant', { headers: other.auth, params: { clientId: listed.body.grants[1].clientId } })).status).toBe(404);
      expect((await t.client.call('listOAuthGrants')).status).toBe(401);
    });

    it("an admin sees a user's list and can withdraw a client's access to that user, as the admin's audited act", async () => {
      const admin = await registerAndLoginAs(t, ['admin']);
      const user = await registerAndLogin(t.client);
      const other = await registerAndLogin(t.client);
      const kept = await publicClient({ client_name: 'Kept by the user' });
      const suspect = await publicClient({ client_name: 'Suspect agent' });
      await tokensFor(kept, user, 'read:tools');
      const held = await tokensFor(suspect, user, 'read:tools');
      const othersGrant = await tokensFor(suspect, other, 'read:tools');

      const ownList = await t.client.call<GrantList>('listOAuthGrants', { headers: user.auth });
      const adminList = await t.client.call<GrantList>('listUserOAuthGrants', { headers: admin.auth, params: { id: user.userId } });
      expect(adminList.status).toBe(200);
      expect(adminList.body).toEqual(ownList.body);
      const suspectId = adminList.body.grants.find((grant) => grant.name === 'Suspect agent')?.clientId as string;

      // Who let the suspect client in: most recently allowed first, a page at a time.
      type HolderList = { grants: Array<{ userId: string; email: string; scope: string | null; activeSessions: number }>; pagination: { total: number } };
      const holders = await t.client.call<HolderList>('listOAuthClientGrants', { headers: admin.auth, params: { id: suspectId } });
      expect(holders.status).toBe(200);
      expect(holders.body.grants.map((grant) => [grant.userId, grant.email, grant.scope, grant.activeSessions])).toEqual([
        [other.userId, other.input.email, 'read:tools', 1],
        [user.userId, user.input.email, 'read:tools', 1],
      ]);
      const secondPage = await t.client.call<HolderList>('listOAuthClientGrants', { headers: admin.auth, params: { id: suspectId }, query: { page: 2, limit: 1 } });
      expect([secondPage.body.grants.map((grant) => grant.userId), secondPage.body.pagination.total]).toEqual([[user.userId], 2]);
      expect((await t.client.call('listOAuthClientGrants', { headers: admin.auth, params: { id: randomUUID() } })).status).toBe(404);
      expect((await t.client.call('listOAuthClientGrants', { headers: admin.auth, params: { id: 'not-a-uuid' } })).status).toBe(400);
      expect((await t.client.call('listOAuthClientGrants', { headers: admin.auth, params: { id: suspectId }, query: { limit: 0 } })).status).toBe(400);
      expect((await t.client.call('listOAuthClientGrants', { headers: user.auth, params: { id: suspectId } })).status).toBe(403);

      expect((await t.client.call('revokeUserOAuthGrant', { headers: admin.auth, params: { id: user.userId, clientId: suspectId } })).status).toBe(204);
      expect((await t.client.call('getCurrentUser', { headers: { authorization: `Bearer ${held.access_token}` } })).status).toBe(401);
      expect((await http.token({ grant_type: 'refresh_token', refresh_token: held.refresh_token, client_id: suspect.client_id })).body.error).toBe('invalid_grant');
      // The client's other users keep their access; the user keeps the other client.
      expect((await t.client.call('getCurrentUser', { headers: { authorization: `Bearer ${othersGrant.access_token}` } })).status).toBe(200);
      expect((await t.client.call<GrantList>('listOAuthGrants', { headers: user.auth })).body.grants.map((grant) => grant.name)).toEqual(['Kept by the user']);
      const [entry] = (await audits('admin.oauth_grant.revoke')).filter((audit) => audit.resource === `user:${user.userId}`);
      expect(entry).toMatchObject({ userId: admin.userId, result: 'success', details: { clientId: suspectId, endedSessions: 1 } });
      expect((await t.client.call<HolderList>('listOAuthClientGrants', { headers: admin.auth, params: { id: suspectId } })).body.grants.map((grant) => grant.userId)).toEqual([other.userId]);

      // Nothing left to withdraw, an unknown or malformed user, a malformed client: refused.
      expect((await t.client.call('revokeUserOAuthGrant', { headers: admin.auth, params: { id: user.userId, clientId: suspectId } })).status).toBe(404);
      expect((await t.client.call('revokeUserOAuthGrant', { headers: admin.auth, params: { id: randomUUID(), clientId: suspectId } })).status).toBe(404);
      expect((await t.client.call('revokeUserOAuthGrant', { headers: admin.auth, params: { id: user.userId, clientId: 'not-a-uuid' } })).status).toBe(400);
      expect((await t.client.call('listUserOAuthGrants', { headers: admin.auth, params: { id: randomUUID() } })).status).toBe(404);
      expect((await t.client.call('listUserOAuthGrants', { headers: admin.auth, params: { id: 'not-a-uuid' } })).status).toBe(400);
      expect((await t.client.call<GrantList>('listUserOAuthGrants', { headers: admin.auth, params: { id: other.userId } })).body.grants.map((grant) => grant.name)).toEqual(['Suspect agent']);

      // Only admins: a user may not read or withdraw another's (nor their own) this way.
      expect((await t.client.call('listUserOAuthGrants', { headers: user.auth, params: { id: other.userId } })).status).toBe(403);
      expect((await t.client.call('revokeUserOAuthGrant', { headers: user.auth, params: { id: other.userId, clientId: suspectId } })).status).toBe(403);
      expect((await t.client.call('listUserOAuthGrants', { params: { id: user.userId } })).status).toBe(401);
    });
  });

  describe('revocation (RFC 7009)', () => {
    it('ends a grant by its refresh or its access token, for the client it was issued to only', async () => {
      const user = await registerAndLogin(t.client);
      const client = await publicClient();
      const other = await publicClient();
      const revoke = async (fields: Record<string, string>) => {
        const response = await fetch(`${t.baseUrl}/api/v1/oauth/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
        const text = await response.text();
        const body: unknown = text ? JSON.parse(text) : text;
        t.client.validator.assertResponse('oauthRevoke', response.status, response.headers.get('content-type'), body);
        return { status: response.status, body: body as OAuthErrorBody };
      };
      const alive = async (tokens: OAuthTokenResponse) => (await t.client.call('getCurrentUser', { headers: { authorization: `Bearer ${tokens.access_token}` } })).status === 200;
      expect((await t.client.call<AuthorizationServerMetadata>('getAuthorizationServerMetadata')).body.revocation_endpoint).toBe(`${t.config.publicUrl}/api/v1/oauth/revoke`);

      const byRefresh = await tokensFor(client, user);
      // Another client's request, an unknown token, garbage: 200, and nothing changes.
      for (const token of [byRefresh.refresh_token, byRefresh.access_token]) expect((await revoke({ token, client_id: other.client_id })).status).toBe(200);
      for (const token of ['mcp_rt_unknown', 'garbage', 'a.b.c']) expect((await revoke({ token, client_id: client.client_id })).status).toBe(200);
      expect(await alive(byRefresh)).toBe(true);
      expect((await revoke({ token: byRefresh.refresh_token, token_type_hint: 'refresh_token', client_id: client.client_id })).status).toBe(200);
      expect(await alive(byRefresh)).toBe(false);
      expect((await http.token({ grant_type: 'refresh_token', refresh_token: byRefresh.refresh_token, client_id: client.client_id })).body.error).toBe('invalid_grant');

      const byAccess = await tokensFor(client, user);
      expect((await revoke({ token: byAccess.access_token, token_type_hint: 'access_token', client_id: client.client_id })).status).toBe(200);
      expect(await alive(byAccess)).toBe(false);
      expect((await http.token({ grant_type: 'refresh_token', refresh_token: byAccess.refresh_token, client_id: client.client_id })).body.error).toBe('invalid_grant');
      // A login's own token is not an OAuth client's to revoke.
      expect((await revoke({ token: user.accessToken, client_id: client.client_id })).status).toBe(200);
      expect((await t.client.call('getCurrentUser', { headers: user.auth })).status).toBe(200);

      expect((await revoke({ client_id: client.client_id })).body.error).toBe('invalid_request');
      const unknown = await revoke({ token: 'x', client_id: randomUUID() });
      expect(unknown.status).toBe(401);
      expect(unknown.body.error).toBe('invalid_client');
      const audited = await db().getRepository(AuditLogEntity).find({ where: { action: 'oauth.revoke', resource: `oauth-client:${client.client_id}` } });
      expect(audited).toHaveLength(2);
    });
  });

  describe('admins', () => {
    it('list the clients with their use, and remove one: its sessions end at once and its tokens stop', async () => {
      const admin = await registerAndLoginAs(t, ['admin']);
      const user = await registerAndLogin(t.client);
      const client = await publicClient({ client_name: 'Rogue agent', software_id: 'rogue', software_version: '0.1' });
      const tokens = await tokensFor(client, user);
      const bearer = { authorization: `Bearer ${tokens.access_token}` };

      expect((await t.client.call('listOAuthClients', { headers: user.auth })).status).toBe(403);
      expect((await t.client.call('listOAuthClients', { headers: admin.auth, query: { limit: 0 } })).status).toBe(400);
      const listed = await t.client.call<OAuthClientList>('listOAuthClients', { headers: admin.auth, query: { limit: 100 } });
      expect(listed.status).toBe(200);
      const entry = listed.body.clients.find((candidate) => candidate.clientId === client.client_id);
      expect(entry).toMatchObject({ name: 'Rogue agent', redirectUris: [CALLBACK], tokenEndpointAuthMethod: 'none', jwksUri: null, inlineKeys: 0, softwareId: 'rogue', softwareVersion: '0.1', registeredFrom: '127.0.0.1', activeSessions: 1 });
      expect(entry?.lastUsedAt).toEqual(expect.any(String));
      expect(listed.body.pagination).toMatchObject({ page: 1, limit: 100 });
      expect(listed.body.pagination.total).toBeGreaterThanOrEqual(listed.body.clients.length);

      expect((await t.client.call('getCurrentUser', { headers: bearer })).status).toBe(200);
      expect((await t.client.call('deleteOAuthClient', { headers: user.auth, params: { id: client.client_id } })).status).toBe(403);
      const removed = await t.client.call('deleteOAuthClient', { headers: admin.auth, params: { id: client.client_id } });
      expect(removed.status).toBe(204);
      expect((await t.client.call('getCurrentUser', { headers: bearer })).status).toBe(401);
      const refresh = await http.token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: client.client_id });
      expect(refresh.body.error).toBe('invalid_client');
      const [audit] = await db().getRepository(AuditLogEntity).find({ where: { action: 'admin.oauth_client.delete', resource: `oauth-client:${client.client_id}` } });
      expect(audit).toMatchObject({ userId: admin.userId, details: { clientName: 'Rogue agent', endedSessions: 1 } });
      expect((await t.client.call('deleteOAuthClient', { headers: admin.auth, params: { id: client.client_id } })).status).toBe(404);
      expect((await t.client.call('deleteOAuthClient', { headers: admin.auth, params: { id: 'not-a-uuid' } })).status).toBe(400);
    });
  });

  describe('dynamic client registration', () => {
    it('registers a public client with what it asked for', async () => {
      const answer = await http.register({ client_name: 'VS Code', redirect_uris: ['vscode://vscode.github-authentication/did-authenticate', 'http://127.0.0.1:33418/'], token_endpoint_auth_method: 'none', scope: 'read:tools', software_id: 'vscode' });
      expect(answer.status).toBe(201);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.body).toMatchObject({ client_name: 'VS Code', token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], scope: 'read:tools' });
      expect(answer.body.client_secret).toBeUndefined();
    });

    it('refuses metadata it cannot honour', async () => {
      const cases: Array<[unknown, string]> = [
        [[], 'invalid_client_metadata'],
        ['a string', 'invalid_client_metadata'],
        [{}, 'invalid_redirect_uri'],
        [{ redirect_uris: [] }, 'invalid_redirect_uri'],
        [{ redirect_uris: 'https://a.example/cb' }, 'invalid_redirect_uri'],
        [{ redirect_uris: [42] }, 'invalid_redirect_uri'],
        [{ redirect_uris: ['http://app.example.com/cb'] }, 'invalid_redirect_uri'],
        [{ redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri'],
        [{ redirect_uris: ['https://a.example/cb#frag'] }, 'invalid_redirect_uri'],
        [{ redirect_uris: Array.from({ length: 11 }, (_, i) => `https://a.example/${i}`) }, 'invalid_redirect_uri'],
        [{ redirect_uris: [CALLBACK], grant_types: ['client_credentials'] }, 'invalid_client_metadata'],
        [{ redirect_uris: [CALLBACK], grant_types: ['refresh_token'] }, 'invalid_client_metadata'],
        [{ redirect_uris: [CALLBACK], response_types: ['token'] }, 'invalid_client_metadata'],
        [{ redirect_uris: [CALLBACK], token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata'],
        [{ redirect_uris: [CALLBACK], client_name: 'x'.repeat(201) }, 'invalid_client_metadata'],
        [{ redirect_uris: [CALLBACK], client_name: 'line\nbreak' }, 'invalid_client_metadata'],
        [{ redirect_uris: [CALLBACK], client_uri: 'javascript:alert(1)' }, 'invalid_client_metadata'],
        [{ redirect_uris: [CALLBACK], scope: 'a"b' }, 'invalid_client_metadata'],
      ];
      for (const [metadata, error] of cases) {
        const answer = await http.register(metadata);
        expect(answer.status, JSON.stringify(metadata)).toBe(400);
        expect(answer.body.error).toBe(error);
      }
      const broken = await fetch(`${t.baseUrl}/api/v1/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"redirect_uris": [' });
      expect(broken.status).toBe(400);
      t.client.validator.assertResponse('registerOAuthClient', broken.status, broken.headers.get('content-type'), await broken.json());
    });

    it('forgets clients unused for 30 days that hold no live refresh token, and expired codes', async () => {
      const idle = await publicClient();
      const active = await publicClient();
      const holder = await registerAndLogin(t.client);
      await tokensFor(active, holder);
      await authorize(active, holder);
      await db().query(`UPDATE oauth_clients SET created_at = now() - interval '31 days', last_used_at = NULL WHERE id = ANY($1)`, [[idle.client_id, active.client_id]]);
      await db().query(`UPDATE oauth_authorization_codes SET expires_at = now() - interval '1 minute' WHERE client_id = $1`, [active.client_id]);
      expect(await t.app.get(OAuthRetention).prune()).toBeGreaterThanOrEqual(2);
      const left = (await db().query(`SELECT id FROM oauth_clients WHERE id = ANY($1)`, [[idle.client_id, active.client_id]])) as Array<{ id: string }>;
      expect(left.map((row) => row.id)).toEqual([active.client_id]);
      expect(await db().query(`SELECT 1 FROM oauth_authorization_codes WHERE client_id = $1`, [active.client_id])).toEqual([]);
    });
  });
});

describe('OAuth with dynamic registration off', () => {
  const t = useTestApp({ OAUTH_DYNAMIC_REGISTRATION: 'false', RATE_LIMIT_OAUTH_REGISTER: '2/3600', CORS_ORIGINS: 'https://console.example.com' });
  const http = oauthClient(t);

  it('keeps the configured CORS for the API beside the open CORS of the OAuth endpoints', async () => {
    const preflight = (path: string, origin: string) => fetch(`${t.baseUrl}${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    const token = await preflight('/api/v1/oauth/token', 'http://localhost:6274');
    expect(token.status).toBe(204);
    expect(token.headers.get('access-control-allow-origin')).toBe('*');
    const api = await preflight('/api/v1/auth/login', 'https://console.example.com');
    expect(api.status).toBe(204);
    expect(api.headers.get('access-control-allow-origin')).toBe('https://console.example.com');
    expect(api.headers.get('access-control-allow-credentials')).toBe('true');
    const stranger = await preflight('/api/v1/auth/login', 'http://localhost:6274');
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('leaves registration out of the metadata and refuses it (403), rate-limited per address', async () => {
    const metadata = await t.client.call<AuthorizationServerMetadata>('getAuthorizationServerMetadata');
    expect(metadata.body.registration_endpoint).toBeUndefined();
    for (let attempt = 0; attempt < 2; attempt++) {
      const refused = await http.register({ redirect_uris: [CALLBACK] });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toBe('access_denied');
    }
    expect((await http.register({ redirect_uris: [CALLBACK] })).status).toBe(429);
  });
});

describe('OAuth sign-in through SAML single sign-on', () => {
  const idp = TestSamlIdp.create({ entityId: 'secure-mcp-oauth-sp', acsUrl: 'https://mcp.example.test/api/v1/auth/saml/callback' });
  const t = useTestApp(idp.env({ SAML_ROLE_ATTRIBUTE: 'groups', SAML_ROLE_MAP: JSON.stringify({ 'mcp-developers': 'developer' }) }), { publicUrlOnPort: true });
  const http = oauthClient(t);

  /** The IdP's form POST back to the assertion consumer service, as a browser sends it. */
  async function postAssertion(email: string, inResponseTo: string, relayState: string): Promise<Answer<string>> {
    const response = await fetch(`${t.baseUrl}/api/v1/auth/saml/callback`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...BROWSER, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ SAMLResponse: idp.response({ email, inResponseTo, attributes: { groups: ['mcp-developers'] } }), RelayState: relayState }).toString(),
    });
    const text = await response.text();
    t.client.validator.assertResponse('samlCallback', response.status, response.headers.get('content-type'), text);
    const location = response.headers.get('location');
    return { status: response.status, headers: response.headers, body: text, location: location ? new URL(location) : undefined };
  }

  async function finish(location: URL, cookie?: string): Promise<Answer<string>> {
    const response = await fetch(location, { redirect: 'manual', headers: { ...BROWSER, ...(cookie ? { cookie } : {}) } });
    const text = await response.text();
    t.client.validator.assertResponse('oauthFinishSso', response.status, response.headers.get('content-type'), text);
    const next = response.headers.get('location');
    return { status: response.status, headers: response.headers, body: text, location: next ? new URL(next) : undefined };
  }

  /** The page, "Sign in with SSO", and the IdP's AuthnRequest: what the browser holds before the IdP. */
  async function startSso(client: OAuthClientInformation, challenge: string): Promise<{ relayState: string; cookie: string; requestId: string; toSso: Answer<string> }> {
    const page = await http.page(new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, code_challenge: challenge, code_challenge_method: 'S256', state: 'sso-state', scope: 'read:tools execute:tools filesystem:read' }).toString());
    expect(page.body).toContain('Sign in with SSO');
    const toSso = await http.submit({ ...hiddenFields(page.body), decision: 'sso' });
    expect(toSso.status).toBe(303);
    const setCookie = toSso.headers.get('set-cookie') as string;
    expect(setCookie).toMatch(/^smcp_oauth_sso=[A-Za-z0-9_-]{43}; Path=\/api\/v1\/oauth\/authorize; Max-Age=600; HttpOnly; SameSite=Lax$/);
    const relayState = toSso.location?.searchParams.get('RelayState') as string;
    const toIdp = await fetch(toSso.location as URL, { redirect: 'manual' });
    const authnRequest = await idp.readAuthnRequest(toIdp.headers.get('location') as string);
    expect(authnRequest.relayState).toBe(relayState);
    return { relayState, cookie: setCookie.split(';')[0], requestId: authnRequest.id, toSso };
  }

  it('a user without a password signs in at the IdP from the page; the client gets its code and a token with the IdP roles', async () => {
    const client = (await http.register({ client_name: 'SSO agent', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none' })).body;
    const { verifier, challenge } = pkcePair();
    const page = await http.page(new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, code_challenge: challenge, code_challenge_method: 'S256' }).toString());
    expect(page.headers.get('content-security-policy')).toContain(`form-action 'self' http://127.0.0.1:8765 ${new URL(idp.entryPoint).origin}`);
    const { relayState, cookie, requestId, toSso } = await startSso(client, challenge);
    expect(`${toSso.location?.origin}${toSso.location?.pathname}`).toBe(`${t.config.publicUrl}/api/v1/auth/saml/login`);
    expect(relayState).toMatch(/^oauth:[A-Za-z0-9_-]{32}$/);
    expect(Buffer.byteLength(relayState)).toBeLessThanOrEqual(80);

    const email = `sso.oauth.${randomBytes(4).toString('hex')}@corp.example.test`;
    const back = await postAssertion(email, requestId, relayState);
    expect(back.status).toBe(303);
    expect(`${back.location?.origin}${back.location?.pathname}`).toBe(`${t.config.publicUrl}/api/v1/oauth/authorize/sso`);
    const finished = await finish(back.location as URL, cookie);
    // Signed in, not yet consenting: back to the authorization request, which asks for the click.
    expect(finished.status).toBe(303);
    expect(`${finished.location?.origin}${finished.location?.pathname}`).toBe(`${t.config.publicUrl}/api/v1/oauth/authorize`);
    expect(finished.location?.searchParams.get('code')).toBeNull();
    expect(finished.headers.get('set-cookie')).toContain('smcp_oauth_sso=; Path=/api/v1/oauth/authorize; Max-Age=0');
    // Signed in at the IdP, the browser is signed in here too: the next request of this client gets its code at once.
    const signedIn = finished.headers.getSetCookie().find((set) => set.startsWith('smcp_oauth_signin=mcp_bs_'));
    expect(signedIn).toBeDefined();
    const consentPage = await http.page((finished.location as URL).search.slice(1), { cookie: (signedIn as string).split(';')[0] });
    expect(consentPage.status).toBe(200);
    expect(consentPage.body).toContain('SSO agent');
    // The page's form posts where a browser resolves its action from the page's own address.
    const action = /<form method="post" action="([^"]*)"/.exec(consentPage.body)?.[1] as string;
    expect(new URL(action, finished.location as URL).pathname).toBe('/api/v1/oauth/authorize');
    const fields = hiddenFields(consentPage.body);
    expect(fields).toMatchObject({ client_id: client.client_id, redirect_uri: CALLBACK, state: 'sso-state', scope: 'read:tools execute:tools filesystem:read' });
    const done = await http.submit({ ...fields, decision: 'allow' }, { cookie: (signedIn as string).split(';')[0] });
    expect(done.status).toBe(303);
    const nextQuery = new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, code_challenge: pkcePair().challenge, code_challenge_method: 'S256', scope: 'read:tools' });
    const next = await http.page(nextQuery.toString(), { cookie: (signedIn as string).split(';')[0] });
    expect(next.location?.searchParams.get('code')).toMatch(/^mcp_ac_/);
    expect(`${done.location?.origin}${done.location?.pathname}`).toBe(CALLBACK);
    expect(done.location?.searchParams.get('state')).toBe('sso-state');
    const tokens = await http.token({ grant_type: 'authorization_code', code: done.location?.searchParams.get('code') as string, redirect_uri: CALLBACK, code_verifier: verifier, client_id: client.client_id });
    expect(tokens.status).toBe(200);
    // Provisioned as a developer by the IdP's groups; the grant keeps what was asked for.
    expect(tokens.body.scope).toBe('read:tools execute:tools filesystem:read');
    const me = await t.client.call<{ email: string; roles: string[] }>('getCurrentUser', { headers: { authorization: `Bearer ${tokens.body.access_token}` } });
    expect(me.body).toMatchObject({ email, roles: ['developer'] });
    const [authorized] = (await t.app.get(DataSource).getRepository(AuditLogEntity).find({ where: { action: 'oauth.authorize', resource: `oauth-client:${client.client_id}` } })).filter((entry) => entry.result === 'success');
    expect(authorized.details).toMatchObject({ method: 'saml' });

    // Spent: the same finish again, or the same RelayState with another valid assertion, gets no code.
    expect((await finish(back.location as URL, cookie)).status).toBe(400);
    const again = await fetch(toSso.location as URL, { redirect: 'manual' });
    const second = await idp.readAuthnRequest(again.headers.get('location') as string);
    const replay = await postAssertion(email, second.id, relayState);
    expect(replay.status).toBe(400);
    expect(replay.location).toBeUndefined();
    expect(replay.body).toContain('expired or was already completed');
  });

  it('a request started by an attacker and completed by a victim signed in at the IdP gives the attacker no code', async () => {
    const attackerClient = (await http.register({ client_name: 'Totally VS Code', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none' })).body;
    const attacker = await startSso(attackerClient, pkcePair().challenge);
    // The victim follows the attacker's link; the IdP, where the victim is signed in, answers at once.
    const victim = `sso.victim.${randomBytes(4).toString('hex')}@corp.example.test`;
    const back = await postAssertion(victim, attacker.requestId, attacker.relayState);
    expect(back.status).toBe(303);
    // The victim's browser has no binding cookie: no code.
    const atVictim = await finish(back.location as URL);
    expect(atVictim.status).toBe(400);
    expect(atVictim.location).toBeUndefined();
    // The attacker has the cookie, but not the completion secret the redirect carried to the victim.
    const guessed = new URL(back.location as URL);
    guessed.searchParams.set('completion', randomBytes(32).toString('base64url'));
    expect((await finish(guessed, attacker.cookie)).status).toBe(400);
    const withoutCompletion = new URL(back.location as URL);
    withoutCompletion.searchParams.delete('completion');
    expect((await finish(withoutCompletion, attacker.cookie)).status).toBe(400);
    // A refused finish leaves the parked request as it was: it still expires in 10 minutes and completes once.
    expect((await finish(back.location as URL, 'smcp_oauth_sso=forged')).status).toBe(400);
    const codes = (await t.app.get(DataSource).query(`SELECT 1 FROM oauth_authorization_codes WHERE client_id = $1`, [attackerClient.client_id])) as unknown[];
    expect(codes).toEqual([]);
  });

  it("a cross-site decision=sso from the user's own browser, with an IdP that signs in silently, ends at the consent page; a client allowed before gets its code", async () => {
    // Another site's form posts decision=sso for its own client from the victim's browser: the cookie lands there.
    const attackerClient = (await http.register({ client_name: 'Totally VS Code', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none' })).body;
    const victim = `sso.csrf.${randomBytes(4).toString('hex')}@corp.example.test`;
    const inVictimsBrowser = await startSso(attackerClient, pkcePair().challenge);
    const back = await postAssertion(victim, inVictimsBrowser.requestId, inVictimsBrowser.relayState);
    const finished = await finish(back.location as URL, inVictimsBrowser.cookie);
    expect(finished.status).toBe(303);
    expect(finished.location?.searchParams.get('code')).toBeNull();
    const signedIn = (finished.headers.getSetCookie().find((set) => set.startsWith('smcp_oauth_signin=')) as string).split(';')[0];
    const atVictim = await http.page((finished.location as URL).search.slice(1), { cookie: signedIn });
    expect(atVictim.status).toBe(200);
    expect(atVictim.body).toContain('Totally VS Code');
    const codes = (await t.app.get(DataSource).query(`SELECT 1 FROM oauth_authorization_codes WHERE client_id = $1`, [attackerClient.client_id])) as unknown[];
    expect(codes).toEqual([]);
    // The page's own allow, from that browser, is what gives a code; a forged one is refused.
    const fields = hiddenFields(atVictim.body);
    expect((await http.submit({ ...fields, consent: 'forged', decision: 'allow' }, { cookie: signedIn })).status).toBe(403);
    const allowed = await http.submit({ ...fields, decision: 'allow' }, { cookie: signedIn });
    expect(allowed.location?.searchParams.get('code')).toMatch(/^mcp_ac_/);

    // Allowed before, with that scope: the next single sign-on completes with the code at once.
    const again = await startSso(attackerClient, pkcePair().challenge);
    const backAgain = await postAssertion(victim, again.requestId, again.relayState);
    const finishedAgain = await finish(backAgain.location as URL, again.cookie);
    const signedInAgain = (finishedAgain.headers.getSetCookie().find((set) => set.startsWith('smcp_oauth_signin=')) as string).split(';')[0];
    const direct = await http.page((finishedAgain.location as URL).search.slice(1), { cookie: signedInAgain });
    expect(direct.status).toBe(302);
    expect(direct.location?.searchParams.get('code')).toMatch(/^mcp_ac_/);
  });

  it('a forged or expired RelayState gets no code, and a plain SSO login is unchanged', async () => {
    const start = await fetch(`${t.baseUrl}/api/v1/auth/saml/login?RelayState=${encodeURIComponent('oauth:forged-relay-state')}`, { redirect: 'manual' });
    const request = await idp.readAuthnRequest(start.headers.get('location') as string);
    const forged = await postAssertion(`sso.forged.${randomBytes(4).toString('hex')}@corp.example.test`, request.id, 'oauth:forged-relay-state');
    expect(forged.status).toBe(400);
    expect(forged.location).toBeUndefined();

    const plain = await fetch(`${t.baseUrl}/api/v1/auth/saml/login`, { redirect: 'manual' });
    const plainRequest = await idp.readAuthnRequest(plain.headers.get('location') as string);
    const response = await fetch(`${t.baseUrl}/api/v1/auth/saml/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ SAMLResponse: idp.response({ email: `sso.plain.${randomBytes(4).toString('hex')}@corp.example.test`, inResponseTo: plainRequest.id }), RelayState: 'somewhere' }).toString(),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ tokenType: 'Bearer' });
  });
});
