import { AuditLogEntity } from '@app/audit';
import { SignInService, UserEntity } from '@app/auth';
import type { CreatedApiKey, LoginResponse, McpService, MfaEnrollment, UpstreamServer, User } from '@app/contracts';
import { loadConfig } from '@app/config';
import { SessionEntity } from '@app/sessions';
import { Authenticator, type AuthnRequestInfo, type McpTestServer, newUserInput, registerAndLogin, registerAndLoginAs, startMcpTestServer, type TestApp, TestSamlIdp, until, useTestApp, useTwoInstances } from '@app/testing';
import { DataSource } from 'typeorm';
import { afterAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string };

interface Answer<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

const SP = { entityId: 'secure-mcp-test-sp', acsUrl: 'https://mcp.example.test/api/v1/auth/saml/callback' };
const idp = TestSamlIdp.create(SP);
const ROLE_MAP = JSON.stringify({ 'mcp-admins': 'admin', 'mcp-developers': 'developer', 'mcp-weird': 'superuser' });

let emailSequence = 0;
function newEmail(): string {
  emailSequence++;
  return `sso.${Date.now().toString(36)}${emailSequence}@corp.example.test`;
}

async function read(response: Response): Promise<{ body: unknown; text: string }> {
  const text = await response.text();
  return { text, body: (response.headers.get('content-type') ?? '').includes('json') && text ? (JSON.parse(text) as unknown) : text };
}

/** Browser steps, without following redirects; every answer is checked against openapi.yaml. */
function browser(t: TestApp) {
  return {
    async startLogin(relayState?: string): Promise<{ answer: Answer<string>; request: AuthnRequestInfo }> {
      const query = relayState === undefined ? '' : `?${new URLSearchParams({ RelayState: relayState }).toString()}`;
      const response = await fetch(`${t.baseUrl}/api/v1/auth/saml/login${query}`, { redirect: 'manual' });
      const { body } = await read(response);
      t.client.validator.assertResponse('samlLogin', response.status, response.headers.get('content-type'), body);
      expect(response.status).toBe(302);
      const location = response.headers.get('location') as string;
      return { answer: { status: response.status, headers: response.headers, body: body as string }, request: await idp.readAuthnRequest(location) };
    },

    async post<T = unknown>(samlResponse: string | undefined, extra: Readonly<Record<string, string>> = {}): Promise<Answer<T>> {
      const form = new URLSearchParams({ ...(samlResponse === undefined ? {} : { SAMLResponse: samlResponse }), ...extra }).toString();
      const response = await fetch(`${t.baseUrl}/api/v1/auth/saml/callback`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      });
      const { body } = await read(response);
      t.client.validator.assertResponse('samlCallback', response.status, response.headers.get('content-type'), body);
      return { status: response.status, headers: response.headers, body: body as T };
    },
  };
}

describe('SAML SSO', () => {
  const t = useTestApp(idp.env({ SAML_ROLE_ATTRIBUTE: 'groups', SAML_ROLE_MAP: ROLE_MAP }));
  let remote: McpTestServer | undefined;
  let personalId: string | undefined;

  afterAll(async () => {
    await remote?.close();
  });

  /** A service each user configures with a token of their own (made once for the suite). */
  async function personalService(): Promise<string> {
    if (personalId) return personalId;
    remote = await startMcpTestServer();
    const admin = await registerAndLoginAs(t, ['admin']);
    const created = await t.client.call<UpstreamServer>('createServer', {
      headers: admin.auth,
      body: { name: 'personal', transport: { type: 'streamable-http', url: remote.url }, userConfig: { schema: { type: 'object', properties: { token: { type: 'string' } }, required: ['token'] }, headers: { Authorization: 'Bearer {{token}}' } } },
    });
    expect(created.status).toBe(201);
    personalId = created.body.id;
    return personalId;
  }
  const db = () => t.app.get(DataSource);
  const sso = () => browser(t);
  const usersNamed = (email: string) => db().getRepository(UserEntity).countBy({ email });

  /** A full, valid SSO round trip for `email`; answers the callback's answer. */
  async function signIn(email: string, extra: { groups?: string[]; sign?: 'assertion' | 'response' | 'both' } = {}): Promise<Answer<LoginResponse>> {
    const { request } = await sso().startLogin();
    return sso().post<LoginResponse>(idp.response({ email, inResponseTo: request.id, attributes: { groups: extra.groups ?? [], displayName: 'Sam L. User' }, sign: extra.sign }));
  }

  describe('login and metadata', () => {
    it('GET /auth/saml/login redirects to SAML_ENTRY_POINT with an AuthnRequest whose id is remembered', async () => {
      const { answer, request } = await sso().startLogin();
      const location = new URL(answer.headers.get('location') as string);
      expect(`${location.origin}${location.pathname}`).toBe(idp.entryPoint);
      expect(request).toMatchObject({ issuer: SP.entityId, acsUrl: SP.acsUrl, destination: idp.entryPoint });
      expect(request.id).toMatch(/^_/);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      const [row] = (await db().query('SELECT issued_at, expires_at, consumed_at FROM saml_requests WHERE id = $1', [request.id])) as Array<{ issued_at: Date; expires_at: Date; consumed_at: Date | null }>;
      expect(row.consumed_at).toBeNull();
      expect(new Date(row.expires_at).getTime() - new Date(row.issued_at).getTime()).toBe(10 * 60_000);
    });

    it('GET /auth/saml/metadata answers SP metadata XML: entity id and ACS URL', async () => {
      const response = await fetch(`${t.baseUrl}/api/v1/auth/saml/metadata`);
      const text = await response.text();
      t.client.validator.assertResponse('getSamlMetadata', response.status, response.headers.get('content-type'), text);
      expect(response.status).toBe(200);
      expect(text).toContain(`entityID="${SP.entityId}"`);
      expect(text).toContain(`Location="${SP.acsUrl}"`);
      expect(text).toContain('urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST');
    });
  });

  describe('accepted responses', () => {
    it('a signed assertion: the user is created just in time with mapped roles, gets a session and the login answer', async () => {
      const email = newEmail();
      const sessionsBefore = await db().getRepository(SessionEntity).count();
      const answer = await signIn(email.toUpperCase(), { groups: ['mcp-developers', 'unrelated', 'mcp-weird'] });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, user: { email, name: 'Sam L. User', roles: ['developer'], mfaEnabled: false } });
      const me = await t.client.call<User>('getCurrentUser', { headers: { authorization: `Bearer ${answer.body.accessToken}` } });
      expect(me.status).toBe(200);
      expect(me.body.permissions).toContain('filesystem:*');
      const user = await db().getRepository(UserEntity).findOneByOrFail({ email });
      expect(user).toMatchObject({ passwordHash: null, authSource: 'saml', roles: ['developer'] });
      expect(await db().getRepository(SessionEntity).count()).toBe(sessionsBefore + 1);
      const audit = db().getRepository(AuditLogEntity);
      expect(await audit.findOneBy({ action: 'user.provision', userId: user.id })).toMatchObject({ result: 'success', details: expect.objectContaining({ source: 'saml' }) });
      expect(await audit.findOneBy({ action: 'auth.login', userId: user.id })).toMatchObject({ result: 'success', details: expect.objectContaining({ method: 'saml' }) });
      // The tokens refresh like any others.
      expect((await t.client.call('refreshToken', { body: { refreshToken: answer.body.refreshToken } })).status).toBe(200);
    });

    it('a signed response (assertion unsigned): the same person signs in again as the same user, roles following the IdP groups', async () => {
      const email = newEmail();
      const first = await signIn(email, { groups: ['mcp-developers'] });
      const again = await signIn(email, { groups: ['mcp-admins'], sign: 'response' });
      expect(again.status).toBe(200);
      expect(again.body.user).toMatchObject({ id: first.body.user.id, roles: ['admin'] });
      const both = await signIn(email, { sign: 'both' });
      expect(both.status).toBe(200);
      expect(both.body.user.roles).toEqual(['user']);
      expect(await usersNamed(email)).toBe(1);
    });

    it('an account an admin made signs in as itself, keeps the roles the admin gave it, and its password', async () => {
      const admin = await registerAndLoginAs(t, ['admin']);
      const input = newUserInput({ email: newEmail() });
      expect((await t.client.call('createUser', { headers: admin.auth, body: { email: input.email, name: input.name, roles: ['developer'], password: input.password } })).status).toBe(201);
      const answer = await signIn(input.email, { groups: ['mcp-admins'] });
      expect(answer.status).toBe(200);
      expect(answer.body.user.roles).toEqual(['developer']);
      expect(await usersNamed(input.email)).toBe(1);
      expect((await t.client.call('loginUser', { body: { email: input.email, password: input.password } })).status).toBe(200);
      expect(await db().getRepository(AuditLogEntity).countBy({ action: 'auth.saml.claim' , resource: `user:${answer.body.user.id}` })).toBe(0);
    });

    it('a self-registered account with the address is claimed for the IdP: whatever its registrant set up to get in is gone', async () => {
      const email = newEmail();
      const squatter = await registerAndLogin(t.client, { email });
      // A sign-in whose password was checked before the claim, and whose session comes after it.
      const provenBeforeClaim = new Date(Date.now() - 1000);
      // Whoever registered the address first prepares a way back in: a key, a second factor, a service acting as them.
      const key = (await t.client.call<CreatedApiKey>('createApiKey', { headers: squatter.auth, body: { name: 'backdoor', scopes: ['read:tools'] } })).body;
      const enrolled = await t.client.call<MfaEnrollment>('enableMfa', { headers: squatter.auth, body: { type: 'totp' } });
      expect((await t.client.call('verifyMfaSetup', { headers: squatter.auth, body: { code: await new Authenticator(enrolled.body.secret as string).freshCode(), type: 'totp' } })).status).toBe(200);
      const service = await personalService();
      expect((await t.client.call('configureMcpService', { headers: squatter.auth, params: { serviceId: service }, body: { config: { token: 'squatter-token' } } })).status).toBe(200);

      const answer = await signIn(email, { groups: ['mcp-developers'] });
      expect(answer.status).toBe(200);
      expect(answer.body.user).toMatchObject({ id: squatter.userId, roles: ['developer'], mfaEnabled: false });
      const owner = { authorization: `Bearer ${answer.body.accessToken}` };
      expect((await t.client.call('getCurrentUser', { headers: owner })).status).toBe(200);
      // None of the registrant's ways in work any more.
      expect((await t.client.call('loginUser', { body: { email, password: squatter.input.password } })).status).toBe(401);
      expect((await t.client.call('getCurrentUser', { headers: squatter.auth })).status).toBe(401);
      expect((await t.client.call('refreshToken', { body: { refreshToken: squatter.refreshToken } })).status).toBe(401);
      expect((await t.client.call('listTools', { headers: { authorization: `ApiKey ${key.key}` } })).status).toBe(401);
      await until(
        async () => (await t.client.call<McpService>('getMcpService', { headers: owner, params: { serviceId: service } })).body.isConfigured,
        (configured) => configured === false,
      );
      const user = await db().getRepository(UserEntity).findOneByOrFail({ id: squatter.userId });
      expect(user).toMatchObject({ passwordHash: null, authSource: 'saml', mfaEnabled: false, mfaSecret: null, mfaBackupCodes: [] });
      expect(user.emailVerifiedAt).toBeInstanceOf(Date);
      const claims = await db().getRepository(AuditLogEntity).findBy({ action: 'auth.saml.claim', resource: `user:${squatter.userId}` });
      expect(claims).toHaveLength(1);
      expect(claims[0]).toMatchObject({ severity: 'warning', details: { email, removed: ['password', 'mfa'], revokedKeys: 1, withdrawnConsents: 0 } });
      expect(claims[0].details.endedSessions).toBeGreaterThanOrEqual(1);

      const sessionsBefore = await db().getRepository(SessionEntity).countBy({ userId: squatter.userId, status: 'active' });
      const late = t.app.get(SignInService).complete(user, 'password', {}, provenBeforeClaim);
      await expect(late).rejects.toMatchObject({ status: 401, code: 'TOKEN_REVOKED' });
      expect(await db().getRepository(SessionEntity).countBy({ userId: squatter.userId, status: 'active' })).toBe(sessionsBefore);

      // Claimed once: the next sign-in is an ordinary one.
      expect((await signIn(email, { groups: ['mcp-developers'] })).status).toBe(200);
      expect(await db().getRepository(AuditLogEntity).countBy({ action: 'auth.saml.claim', resource: `user:${squatter.userId}` })).toBe(1);
    });
  });

  describe('roles synced from the IdP take effect on the next request, like an admin change', () => {
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const listUsers = (authorization: Record<string, string>) => t.client.call<{ error?: string }>('listUsers', { headers: authorization, query: { limit: 1 } });

    it('a demotion: the admin token issued before it is refused (TOKEN_REVOKED); the new token works with the new roles', async () => {
      const email = newEmail();
      const asAdmin = await signIn(email, { groups: ['mcp-admins'] });
      expect(asAdmin.body.user.roles).toEqual(['admin']);
      expect((await listUsers(bearer(asAdmin.body.accessToken))).status).toBe(200);
      const demoted = await signIn(email, { groups: [] });
      expect(demoted.status).toBe(200);
      expect(demoted.body.user.roles).toEqual(['user']);
      const old = await listUsers(bearer(asAdmin.body.accessToken));
      expect(old.status).toBe(401);
      expect(old.body.error).toBe('TOKEN_REVOKED');
      const me = await t.client.call<User>('getCurrentUser', { headers: bearer(demoted.body.accessToken) });
      expect(me.status).toBe(200);
      expect(me.body.roles).toEqual(['user']);
      expect((await listUsers(bearer(demoted.body.accessToken))).status).toBe(403);
      const sync = await db().getRepository(AuditLogEntity).findOneBy({ action: 'user.roles_sync', userId: demoted.body.user.id });
      expect(sync?.details).toMatchObject({ source: 'saml', roles: ['user'] });
    });

    it('a promotion: the user token issued before it is refused; the new token has the admin rights', async () => {
      const email = newEmail();
      const asUser = await signIn(email, { groups: [] });
      expect((await t.client.call('getCurrentUser', { headers: bearer(asUser.body.accessToken) })).status).toBe(200);
      const promoted = await signIn(email, { groups: ['mcp-admins'] });
      expect(promoted.body.user.roles).toEqual(['admin']);
      const old = await t.client.call<{ error: string }>('getCurrentUser', { headers: bearer(asUser.body.accessToken) });
      expect(old.status).toBe(401);
      expect(old.body.error).toBe('TOKEN_REVOKED');
      expect((await listUsers(bearer(promoted.body.accessToken))).status).toBe(200);
    });

    it('an unchanged role set leaves earlier tokens working', async () => {
      const email = newEmail();
      const first = await signIn(email, { groups: ['mcp-developers'] });
      const second = await signIn(email, { groups: ['mcp-developers'] });
      expect(second.body.user.roles).toEqual(['developer']);
      expect((await t.client.call('getCurrentUser', { headers: bearer(first.body.accessToken) })).status).toBe(200);
    });

    it('a demotion cuts the scopes of the user\'s API keys', async () => {
      const email = newEmail();
      const asAdmin = await signIn(email, { groups: ['mcp-admins'] });
      const created = await t.client.call<{ key: string }>('createApiKey', { headers: bearer(asAdmin.body.accessToken), body: { name: 'sso-admin-key', scopes: ['admin:*'] } });
      expect(created.status).toBe(201);
      const key = { authorization: `ApiKey ${created.body.key}` };
      expect((await listUsers(key)).status).toBe(200);
      await signIn(email, { groups: [] });
      expect((await listUsers(key)).status).toBe(403);
    });
  });

  describe('refused responses: 401, nothing created, the reason audited', () => {
    async function expectRefused(samlResponse: string | undefined, email: string, reason: RegExp): Promise<void> {
      const sessionsBefore = await db().getRepository(SessionEntity).count();
      const answer = await sso().post<Envelope>(samlResponse);
      expect(answer.status).toBe(401);
      expect(answer.body.error).toBe('UNAUTHORIZED');
      expect(answer.body.message).toMatch(/^SAML authentication failed/);
      expect(await usersNamed(email)).toBe(0);
      expect(await db().getRepository(SessionEntity).count()).toBe(sessionsBefore);
      const failures = await db().getRepository(AuditLogEntity).find({ where: { action: 'auth.saml', result: 'failure' }, order: { timestamp: 'DESC' }, take: 1 });
      expect(String(failures[0]?.details.reason)).toMatch(reason);
    }

    it('unsigned', async () => {
      const email = newEmail();
      const { request } = await sso().startLogin();
      await expectRefused(idp.response({ email, inResponseTo: request.id, sign: 'none' }), email, /signature/i);
    });

    it('a value changed after signing (tampered)', async () => {
      const email = newEmail();
      const { request } = await sso().startLogin();
      const signed = idp.responseXml({ email: 'harmless@corp.example.test', inResponseTo: request.id, attributes: { groups: ['mcp-developers'] } });
      await expectRefused(TestSamlIdp.encode(signed.replace('harmless@corp.example.test', email)), email, /signature/i);
      const promoted = signed.replace('<saml:AttributeValue>mcp-developers</saml:AttributeValue>', '<saml:AttributeValue>mcp-admins</saml:AttributeValue>');
      await expectRefused(TestSamlIdp.encode(promoted), 'harmless@corp.example.test', /signature/i);
    });

    it('signature wrapping: a second, unsigned assertion next to the signed one', async () => {
      const email = newEmail();
      const { request } = await sso().startLogin();
      const signed = idp.responseXml({ email: 'victim@corp.example.test', inResponseTo: request.id });
      await expectRefused(TestSamlIdp.encode(TestSamlIdp.withInjectedAssertion(signed, email)), email, /multiple assertions/i);
      const signedResponse = idp.responseXml({ email: 'victim@corp.example.test', inResponseTo: request.id, sign: 'response' });
      await expectRefused(TestSamlIdp.encode(TestSamlIdp.withInjectedAssertion(signedResponse, email)), email, /signature|multiple assertions/i);
    });

    it('signed by a key other than SAML_IDP_CERT', async () => {
      const email = newEmail();
      const { request } = await sso().startLogin();
      await expectRefused(idp.impostor().response({ email, inResponseTo: request.id, sign: 'both' }), email, /signature/i);
    });

    it('the wrong audience', async () => {
      const email = newEmail();
      const { request } = await sso().startLogin();
      await expectRefused(idp.response({ email, inResponseTo: request.id, audience: 'https://other-sp.example.test' }), email, /audience/i);
    });

    it('expired, or not yet valid', async () => {
      const email = newEmail();
      const { request } = await sso().startLogin();
      const issuedAt = new Date(Date.now() - 20 * 60_000);
      await expectRefused(idp.response({ email, inResponseTo: request.id, issuedAt, notOnOrAfter: new Date(Date.now() - 5 * 60_000) }), email, /expired|subject confirmation/i);
      const { request: next } = await sso().startLogin();
      await expectRefused(idp.response({ email, inResponseTo: next.id, notBefore: new Date(Date.now() + 5 * 60_000) }), email, /not yet valid/i);
    });

    it('a replayed response (its InResponseTo was answered already), even when two copies race', async () => {
      const email = newEmail();
      const { request } = await sso().startLogin();
      const response = idp.response({ email, inResponseTo: request.id });
      const racing = await Promise.all([sso().post(response), sso().post(response)]);
      expect(racing.map((answer) => answer.status).sort()).toEqual([200, 401]);
      await expectRefused(response, 'nobody@corp.example.test', /InResponseTo/);
      expect(await usersNamed(email)).toBe(1);
    });

    it('an unsolicited response, and one answering a request we never issued', async () => {
      const email = newEmail();
      await expectRefused(idp.response({ email, inResponseTo: null }), email, /InResponseTo is missing/);
      await expectRefused(idp.response({ email, inResponseTo: '_never-issued' }), email, /InResponseTo is not valid/);
    });

    it('an expired AuthnRequest', async () => {
      const email = newEmail();
      const { request } = await sso().startLogin();
      await db().query(`UPDATE saml_requests SET expires_at = now() - interval '1 second' WHERE id = $1`, [request.id]);
      await expectRefused(idp.response({ email, inResponseTo: request.id }), email, /InResponseTo is not valid/);
    });

    it('a response meant for another service provider (Destination, Recipient)', async () => {
      const email = newEmail();
      const { request } = await sso().startLogin();
      await expectRefused(idp.response({ email, inResponseTo: request.id, destination: 'https://other-sp.example.test/acs' }), email, /Destination/);
      const { request: next } = await sso().startLogin();
      await expectRefused(idp.response({ email, inResponseTo: next.id, destination: null, recipient: 'https://other-sp.example.test/acs' }), email, /Recipient/);
    });

    it('a NameID that is not an email, no SAMLResponse, or garbage', async () => {
      const { request } = await sso().startLogin();
      await expectRefused(idp.response({ email: 'not-an-email', inResponseTo: request.id }), 'not-an-email', /NameID/);
      await expectRefused(undefined, 'x', /no SAMLResponse/);
      await expectRefused(Buffer.from('<notsaml/>').toString('base64'), 'x', /./);
      await expectRefused('%%%not-base64%%%', 'x', /./);
    });

    describe('documents too large or too deep for the XML parser, refused before parsing', () => {
      const wrap = (inner: string) => `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_x" Version="2.0">${inner}</samlp:Response>`;

      it('the auditor\'s document: 120,000 nested elements (1.1 MB of base64)', async () => {
        const depth = 120_000;
        const hostile = TestSamlIdp.encode(wrap('<a>'.repeat(depth) + '</a>'.repeat(depth)));
        expect(hostile.length).toBeGreaterThan(1_000_000);
        await expectRefused(hostile, 'x', /SAMLResponse is larger than 262144 bytes/);
      });

      it('small but deeply nested, or with too many elements', async () => {
        await expectRefused(TestSamlIdp.encode(wrap('<a>'.repeat(2_000) + '</a>'.repeat(2_000))), 'x', /nests deeper than 32 elements/);
        await expectRefused(TestSamlIdp.encode(wrap('<a/>'.repeat(10_000))), 'x', /more than 5000 elements/);
        await expectRefused(TestSamlIdp.encode(`<!DOCTYPE r [<!ENTITY e "x">]>${wrap('&e;')}`), 'x', /DTD/);
      });

      it('a real signed response with hundreds of groups still signs in', async () => {
        const email = newEmail();
        const { request } = await sso().startLogin();
        const groups = [...Array.from({ length: 400 }, (_, index) => `corp-group-${index}`), 'mcp-developers'];
        const answer = await sso().post<LoginResponse>(idp.response({ email, inResponseTo: request.id, attributes: { groups }, sign: 'both' }));
        expect(answer.status).toBe(200);
        expect(answer.body.user.roles).toEqual(['developer']);
      });
    });

    it('a suspended account', async () => {
      const email = newEmail();
      expect((await signIn(email)).status).toBe(200);
      await db().query(`UPDATE users SET status = 'suspended' WHERE email = $1`, [email]);
      const answer = await signIn(email);
      expect(answer.status).toBe(401);
      const failure = await db().getRepository(AuditLogEntity).find({ where: { action: 'auth.saml' }, order: { timestamp: 'DESC' }, take: 1 });
      expect(failure[0].details).toMatchObject({ reason: 'account suspended', email });
    });
  });

  describe('RelayState', () => {
    it('goes to the IdP with the AuthnRequest', async () => {
      const { answer, request } = await sso().startLogin('abc123');
      expect(request.relayState).toBe('abc123');
      expect(new URL(answer.headers.get('location') as string).searchParams.get('SAMLRequest')).toBeTruthy();
      const longest = 'r'.repeat(80);
      expect((await sso().startLogin(longest)).request.relayState).toBe(longest);
      expect((await sso().startLogin()).request.relayState).toBeNull();
    });

    it('longer than 80 bytes, or given twice: 400', async () => {
      for (const query of [`RelayState=${'r'.repeat(81)}`, `RelayState=${encodeURIComponent('é'.repeat(41))}`, 'RelayState=a&RelayState=b']) {
        const response = await fetch(`${t.baseUrl}/api/v1/auth/saml/login?${query}`, { redirect: 'manual' });
        const body = (await response.json()) as Envelope & { details: Array<{ field: string }> };
        t.client.validator.assertResponse('samlLogin', response.status, response.headers.get('content-type'), body);
        expect(response.status).toBe(400);
        expect(body.error).toBe('VALIDATION_ERROR');
        expect(body.details[0].field).toBe('RelayState');
        expect(response.headers.get('location')).toBeNull();
      }
    });

    it('posted back with the response, it changes nothing in the login answer', async () => {
      const email = newEmail();
      const { request } = await sso().startLogin('https://evil.example.test/');
      const answer = await sso().post<LoginResponse>(idp.response({ email, inResponseTo: request.id }), { RelayState: 'https://evil.example.test/' });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('location')).toBeNull();
      expect(answer.body.user.email).toBe(email);
    });
  });

  it('does not let a SAMLResponse in through the login route (GET only starts a login)', async () => {
    const email = newEmail();
    const { request } = await sso().startLogin();
    const response = await fetch(`${t.baseUrl}/api/v1/auth/saml/login?${new URLSearchParams({ SAMLResponse: idp.response({ email, inResponseTo: request.id }) }).toString()}`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(await usersNamed(email)).toBe(0);
  });
});

describe('SAML SSO with SAML_SUCCESS_REDIRECT', () => {
  const t = useTestApp(idp.env({ SAML_SUCCESS_REDIRECT: 'https://app.example.test/sso/done' }));

  it('answers a 302 to it with the tokens in the URL fragment', async () => {
    const { request } = await browser(t).startLogin();
    const answer = await browser(t).post(idp.response({ email: newEmail(), inResponseTo: request.id }));
    expect(answer.status).toBe(302);
    const location = new URL(answer.headers.get('location') as string);
    expect(`${location.origin}${location.pathname}`).toBe('https://app.example.test/sso/done');
    expect(location.search).toBe('');
    const fragment = new URLSearchParams(location.hash.slice(1));
    expect(fragment.get('token_type')).toBe('Bearer');
    expect(fragment.get('expires_in')).toBe('3600');
    expect(fragment.get('refresh_token')).toMatch(/^mcp_rt_/);
    const me = await t.client.call<User>('getCurrentUser', { headers: { authorization: `Bearer ${fragment.get('access_token')}` } });
    expect(me.status).toBe(200);
    expect(me.body.roles).toEqual(['user']);
  });

  it('never redirects to the RelayState the IdP posts back (no open redirect)', async () => {
    const { request } = await browser(t).startLogin('https://evil.example.test/steal');
    expect(request.relayState).toBe('https://evil.example.test/steal');
    const answer = await browser(t).post(idp.response({ email: newEmail(), inResponseTo: request.id }), { RelayState: 'https://evil.example.test/steal' });
    expect(answer.status).toBe(302);
    const location = answer.headers.get('location') as string;
    expect(location.startsWith('https://app.example.test/sso/done#')).toBe(true);
    expect(location).not.toContain('evil');
  });
});

const base = loadConfig();

describe.skipIf(base.database.kind !== 'postgres' || !base.redisUrl)('SAML role sync across two instances', () => {
  const pair = useTwoInstances(idp.env({ SAML_ROLE_MAP: ROLE_MAP }));

  it('a demotion signed in on one instance refuses the older token on the other at once', async () => {
    const email = newEmail();
    const asAdmin = await signInOn(pair.a, email, ['mcp-admins']);
    const old = { authorization: `Bearer ${asAdmin.accessToken}` };
    expect((await pair.b.client.call('listUsers', { headers: old, query: { limit: 1 } })).status).toBe(200);
    const demoted = await signInOn(pair.a, email, []);
    expect(demoted.user.roles).toEqual(['user']);
    const onB = await pair.b.client.call<{ error: string }>('listUsers', { headers: old, query: { limit: 1 } });
    expect(onB.status).toBe(401);
    expect(onB.body.error).toBe('TOKEN_REVOKED');
    expect((await pair.b.client.call('getCurrentUser', { headers: { authorization: `Bearer ${demoted.accessToken}` } })).status).toBe(200);
  });
});

async function signInOn(t: TestApp, email: string, groups: string[]): Promise<LoginResponse> {
  const { request } = await browser(t).startLogin();
  const answer = await browser(t).post<LoginResponse>(idp.response({ email, inResponseTo: request.id, attributes: { groups } }));
  expect(answer.status).toBe(200);
  return answer.body;
}

describe('SAML SSO when SAML_* are unset', () => {
  const t = useTestApp();

  it('answers 404 on every SAML route', async () => {
    for (const [operationId, method, path] of [
      ['samlLogin', 'GET', '/api/v1/auth/saml/login'],
      ['getSamlMetadata', 'GET', '/api/v1/auth/saml/metadata'],
      ['samlCallback', 'POST', '/api/v1/auth/saml/callback'],
    ] as const) {
      const response = await fetch(`${t.baseUrl}${path}`, {
        method,
        redirect: 'manual',
        ...(method === 'POST' ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'SAMLResponse=abc' } : {}),
      });
      const body = (await response.json()) as Envelope;
      t.client.validator.assertResponse(operationId, response.status, response.headers.get('content-type'), body);
      expect(response.status).toBe(404);
      expect(body.message).toMatch(/SAML single sign-on is not configured/);
    }
    // Password login is unaffected.
    expect((await registerAndLogin(t.client)).accessToken).toBeTruthy();
  });
});
