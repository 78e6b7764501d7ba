import { AuditLogEntity } from '@app/audit';
import { TokenCredentialVerifier } from '@app/auth';
import type { ApiKeyList, CreatedApiKey, LoginResponse, TokenPair, User } from '@app/contracts';
import { EventBus } from '@app/events';
import { SessionEntity } from '@app/sessions';
import { login, newUserInput, registerAndLogin, useTestApp } from '@app/testing';
import { createPublicKey, verify } from 'node:crypto';
import { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; code: string }> };

function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.');
  return { header: JSON.parse(Buffer.from(header, 'base64url').toString()), payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) };
}

describe('identity: login, tokens, sessions, logout, /users/me, API keys', () => {
  const t = useTestApp();
  const db = () => t.app.get(DataSource);

  describe('login', () => {
    it('answers tokens, the user, and records an http session whose id is the sid claim', async () => {
      const input = newUserInput();
      await t.client.call('registerUser', { body: input });
      const response = await t.client.call<LoginResponse>('loginUser', {
        body: { email: input.email.toUpperCase(), password: input.password },
        headers: { 'user-agent': 'MCP-Client/1.0' },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ expiresIn: 3600, tokenType: 'Bearer', user: { email: input.email, roles: ['user'] } });
      expect(response.body.refreshToken).toMatch(/^mcp_rt_/);
      const { header, payload } = decodeJwt(response.body.accessToken);
      expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT' });
      expect(typeof header.kid).toBe('string');
      expect(payload).toMatchObject({ sub: response.body.user.id, email: input.email, roles: ['user'], iss: t.config.jwtIssuer, aud: t.config.jwtAudience, token_use: 'access' });
      expect(payload.permissions).toEqual(response.body.user.permissions);
      expect((payload.exp as number) - (payload.iat as number)).toBe(3600);
      expect(typeof payload.jti).toBe('string');
      const session = await db().getRepository(SessionEntity).findOneByOrFail({ id: payload.sid as string });
      expect(session).toMatchObject({ userId: response.body.user.id, connectionType: 'http', status: 'active', ipAddress: '127.0.0.1', userAgent: 'MCP-Client/1.0' });
      const me = await t.client.call<User>('getCurrentUser', { headers: { authorization: `Bearer ${response.body.accessToken}` } });
      expect(me.body.lastLogin).not.toBeNull();
      const audit = await db().getRepository(AuditLogEntity).findOneBy({ action: 'auth.login', result: 'success', sessionId: payload.sid as string });
      expect(audit?.userId).toBe(response.body.user.id);
    });

    it('answers the user exactly as /users/me does right after, the login time included', async () => {
      const input = newUserInput();
      await t.client.call('registerUser', { body: input });
      // A moment between sign-up and login, so a stale updatedAt cannot pass for the login's.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const response = await t.client.call<LoginResponse>('loginUser', { body: { email: input.email, password: input.password } });
      const me = await t.client.call<User>('getCurrentUser', { headers: { authorization: `Bearer ${response.body.accessToken}` } });
      expect(response.body.user).toEqual(me.body);
      expect(Date.parse(response.body.user.updatedAt)).toBeGreaterThanOrEqual(Date.parse(response.body.user.lastLogin as string));
    });

    it('gives the same 401 INVALID_CREDENTIALS for an unknown email and for a wrong password, and audits both', async () => {
      const { input } = await registerAndLogin(t.client);
      const wrongPassword = await t.client.call<Envelope>('loginUser', { body: { email: input.email, password: 'Wrong-Passw0rd!' } });
      const unknownEmail = await t.client.call<Envelope>('loginUser', { body: { email: `nobody-${Date.now()}@example.test`, password: 'Wrong-Passw0rd!' } });
      for (const response of [wrongPassword, unknownEmail]) {
        expect(response.status).toBe(401);
        expect(response.body).toMatchObject({ error: 'INVALID_CREDENTIALS', message: 'Invalid email or password' });
      }
      const failures = await db().getRepository(AuditLogEntity).findBy({ action: 'auth.login', result: 'failure' });
      expect(failures.map((row) => row.details.email)).toEqual(expect.arrayContaining([input.email]));
      expect(JSON.stringify(failures.map((row) => row.details))).not.toContain('Wrong-Passw0rd!');
    });

    it('refuses a suspended user with 403 once the password is right', async () => {
      const { input, userId } = await registerAndLogin(t.client);
      await db().query(`UPDATE users SET status = 'suspended' WHERE id = $1`, [userId]);
      const response = await t.client.call<Envelope>('loginUser', { body: { email: input.email, password: input.password } });
      expect(response.status).toBe(403);
      expect(response.body.error).toBe('FORBIDDEN');
    });

    it('validates its body', async () => {
      const response = await t.client.call<Envelope>('loginUser', { body: { email: 'not-an-email', password: '', mfaCode: '12ab' } });
      expect(response.status).toBe(400);
      expect(response.body.details?.map((detail) => detail.field).sort()).toEqual(['email', 'mfaCode', 'password']);
    });

    it('carries rate-limit headers on the answer', async () => {
      const input = newUserInput();
      await t.client.call('registerUser', { body: input });
      const response = await t.client.call('loginUser', { body: { email: input.email, password: input.password } });
      expect(Number(response.headers.get('x-ratelimit-limit'))).toBeGreaterThan(0);
      expect(response.headers.get('x-ratelimit-remaining')).not.toBeNull();
      expect(Number(response.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    });
  });

  describe('refresh', () => {
    it('rotates: each refresh answers a new pair and the old refresh token is spent', async () => {
      const user = await registerAndLogin(t.client);
      const viaHeader = await t.client.call<TokenPair>('refreshToken', { headers: { authorization: `Bearer ${user.refreshToken}` } });
      expect(viaHeader.status).toBe(200);
      expect(viaHeader.body.refreshToken).not.toBe(user.refreshToken);
      expect(decodeJwt(viaHeader.body.accessToken).payload.sid).toBe(decodeJwt(user.accessToken).payload.sid);
      const viaBody = await t.client.call<TokenPair>('refreshToken', { body: { refreshToken: viaHeader.body.refreshToken } });
      expect(viaBody.status).toBe(200);
      const me = await t.client.call('getCurrentUser', { headers: { authorization: `Bearer ${viaBody.body.accessToken}` } });
      expect(me.status).toBe(200);
    });

    it('takes the body’s refresh token beside an access token in the header, but not beside another refresh token', async () => {
      const user = await registerAndLogin(t.client);
      const refreshed = await t.client.call<TokenPair>('refreshToken', { headers: user.auth, body: { refreshToken: user.refreshToken } });
      expect(refreshed.status).toBe(200);
      const other = await registerAndLogin(t.client);
      const twoTokens = await t.client.call<Envelope>('refreshToken', { headers: { authorization: `Bearer ${other.refreshToken}` }, body: { refreshToken: refreshed.body.refreshToken } });
      expect([twoTokens.status, twoTokens.body.error]).toEqual([400, 'VALIDATION_ERROR']);
    });

    it('reuse of a rotated token revokes the whole family and the session', async () => {
      const user = await registerAndLogin(t.client);
      const rotated = await t.client.call<TokenPair>('refreshToken', { body: { refreshToken: user.refreshToken } });
      const reuse = await t.client.call<Envelope>('refreshToken', { body: { refreshToken: user.refreshToken } });
      expect(reuse.status).toBe(401);
      expect(reuse.body.error).toBe('TOKEN_REVOKED');
      // The thief's and the owner's newer tokens die with it.
      const newer = await t.client.call<Envelope>('refreshToken', { body: { refreshToken: rotated.body.refreshToken } });
      expect(newer.status).toBe(401);
      expect(newer.body.error).toBe('TOKEN_REVOKED');
      for (const token of [user.accessToken, rotated.body.accessToken]) {
        const me = await t.client.call<Envelope>('getCurrentUser', { headers: { authorization: `Bearer ${token}` } });
        expect(me.status).toBe(401);
        expect(me.body.error).toBe('TOKEN_REVOKED');
      }
      const audit = await db().getRepository(AuditLogEntity).findOneBy({ action: 'auth.refresh_reuse', userId: user.userId });
      expect(audit?.severity).toBe('critical');
    });

    it('lets only one of two simultaneous refreshes with the same token through', async () => {
      const user = await registerAndLogin(t.client);
      const results = await Promise.all([1, 2].map(() => t.client.call('refreshToken', { body: { refreshToken: user.refreshToken } })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    });

    it('refuses a missing, malformed, unknown or doubly sent token', async () => {
      expect((await t.client.call<Envelope>('refreshToken', {})).status).toBe(400);
      expect((await t.client.call<Envelope>('refreshToken', { body: { refreshToken: 'mcp_rt_unknown' } })).status).toBe(401);
      expect((await t.client.call<Envelope>('refreshToken', { body: { refreshToken: 'x'.repeat(5000) } })).status).toBe(400);
      const user = await registerAndLogin(t.client);
      const both = await t.client.call<Envelope>('refreshToken', { body: { refreshToken: user.refreshToken }, headers: { authorization: 'Bearer mcp_rt_other' } });
      expect(both.status).toBe(400);
    });
  });

  describe('logout', () => {
    it('ends the session: its access and refresh tokens are refused from the next request on', async () => {
      const terminated: Array<{ sessionId: string; userId: string; reason: string }> = [];
      t.app.get(EventBus).on('session.terminated', (event) => void terminated.push(event.payload));
      const user = await registerAndLogin(t.client);
      const other = await login(t.client, user.input);
      const response = await t.client.call<{ message: string }>('logoutUser', { headers: user.auth });
      expect(response.status).toBe(200);
      expect(response.body.message).toBe('Successfully logged out');
      const me = await t.client.call<Envelope>('getCurrentUser', { headers: user.auth });
      expect(me.status).toBe(401);
      expect(me.body.error).toBe('TOKEN_REVOKED');
      const refresh = await t.client.call<Envelope>('refreshToken', { body: { refreshToken: user.refreshToken } });
      expect(refresh.status).toBe(401);
      expect(refresh.body.error).toBe('TOKEN_REVOKED');
      // Another session of the same user is untouched.
      expect((await t.client.call('getCurrentUser', { headers: other.auth })).status).toBe(200);
      const sessionId = decodeJwt(user.accessToken).payload.sid as string;
      const session = await db().getRepository(SessionEntity).findOneByOrFail({ id: sessionId });
      expect(session).toMatchObject({ status: 'terminated', endReason: 'logout' });
      expect(terminated).toContainEqual({ sessionId, userId: user.userId, reason: 'logout' });
      expect(await db().getRepository(AuditLogEntity).findOneBy({ action: 'auth.logout', userId: user.userId })).not.toBeNull();
    });

    it('needs credentials', async () => {
      expect((await t.client.call('logoutUser')).status).toBe(401);
    });
  });

  describe('GET /users/me', () => {
    it('answers the caller, never a hash', async () => {
      const user = await registerAndLogin(t.client);
      const me = await t.client.call<User>('getCurrentUser', { headers: user.auth });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: user.userId, email: user.input.email });
      expect(me.text).not.toContain('argon2');
    });
  });

  describe('JWKS', () => {
    it('serves the public keys at the root, and they verify issued tokens', async () => {
      const user = await registerAndLogin(t.client);
      const jwks = await t.client.call<{ keys: Array<{ kid: string; n: string; e: string; kty: string }> }>('getJwks');
      expect(jwks.status).toBe(200);
      expect(jwks.headers.get('cache-control')).toContain('max-age');
      const { header } = decodeJwt(user.accessToken);
      const jwk = jwks.body.keys.find((key) => key.kid === header.kid);
      expect(jwk).toBeDefined();
      const [h, p, s] = user.accessToken.split('.');
      const key = createPublicKey({ key: { kty: 'RSA', n: jwk?.n, e: jwk?.e }, format: 'jwk' });
      expect(verify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))).toBe(true);
      expect((await t.client.raw('GET', '/api/v1/.well-known/jwks.json')).status).toBe(404);
    });
  });

  describe('API keys', () => {
    it('creates a key shown once, lists it without the key, and authenticates with it both ways', async () => {
      const owner = await registerAndLogin(t.client);
      const created = await t.client.call<CreatedApiKey>('createApiKey', { headers: owner.auth, body: { name: ' CI key ', scopes: ['read:tools'], expiresIn: 3600 } });
      expect(created.status).toBe(201);
      expect(created.body.key).toMatch(/^mcp_sk_[A-Za-z0-9_-]{43}$/);
      expect(created.body).toMatchObject({ name: 'CI key', scopes: ['read:tools'], prefix: created.body.key.slice(0, 12) });
      expect(Date.parse(created.body.expiresAt as string) - Date.now()).toBeGreaterThan(3500_000);

      const listed = await t.client.call<ApiKeyList>('listApiKeys', { headers: owner.auth });
      expect(listed.body.apiKeys).toEqual([expect.objectContaining({ id: created.body.id, status: 'active', lastUsed: null })]);
      expect(listed.text).not.toContain(created.body.key);
      const [stored] = await db().query('SELECT key_hash FROM api_keys WHERE id = $1', [created.body.id]);
      expect(stored.key_hash).not.toContain(created.body.key.slice(7));

      for (const authorization of [`ApiKey ${created.body.key}`, `Bearer ${created.body.key}`]) {
        const me = await t.client.call<User>('getCurrentUser', { headers: { authorization } });
        expect(me.status).toBe(200);
        expect(me.body.id).toBe(owner.userId);
      }
      const caller = await t.app.get(TokenCredentialVerifier).verifyAuthorization(`ApiKey ${created.body.key}`, '127.0.0.1');
      expect(caller).toMatchObject({ id: owner.userId, via: 'api-key', permissions: ['read:tools'] });
      const audit = await db().getRepository(AuditLogEntity).findOneBy({ action: 'apikey.create', userId: owner.userId });
      expect(JSON.stringify(audit?.details)).not.toContain(created.body.key);
    });

    it('never holds more than its owner: scopes beyond the owner are refused, and lost permissions drop out', async () => {
      const owner = await registerAndLogin(t.client);
      const beyond = await t.client.call<Envelope>('createApiKey', { headers: owner.auth, body: { name: 'too much', scopes: ['read:tools', 'admin:*'] } });
      expect(beyond.status).toBe(403);
      expect(beyond.body.details).toEqual([expect.objectContaining({ field: 'scopes', code: 'NOT_HELD' })]);
      const created = await t.client.call<CreatedApiKey>('createApiKey', { headers: owner.auth, body: { name: 'tools', scopes: ['read:tools', 'execute:tools'] } });
      expect(created.body.expiresAt).toBeNull();
      // The owner loses execute:tools before the key is first used: the key acts without it.
      await db().query(`UPDATE users SET roles = '{}', permissions = '{read:tools}' WHERE id = $1`, [owner.userId]);
      const caller = await t.app.get(TokenCredentialVerifier).verifyAuthorization(`ApiKey ${created.body.key}`, '127.0.0.1');
      expect(caller?.permissions).toEqual(['read:tools']);
    });

    it('cannot be used to manage keys', async () => {
      const owner = await registerAndLogin(t.client);
      const created = await t.client.call<CreatedApiKey>('createApiKey', { headers: owner.auth, body: { name: 'k', scopes: ['read:tools'] } });
      const viaKey = { authorization: `ApiKey ${created.body.key}` };
      expect((await t.client.call<Envelope>('createApiKey', { headers: viaKey, body: { name: 'k2', scopes: ['read:tools'] } })).status).toBe(403);
      expect((await t.client.call<Envelope>('listApiKeys', { headers: viaKey })).status).toBe(403);
      expect((await t.client.call<Envelope>('logoutUser', { headers: viaKey })).status).toBe(400);
    });

    it('revokes: 204, then the key is refused; a second revoke and someone else\'s key are 404', async () => {
      const owner = await registerAndLogin(t.client);
      const stranger = await registerAndLogin(t.client);
      const created = await t.client.call<CreatedApiKey>('createApiKey', { headers: owner.auth, body: { name: 'k', scopes: ['read:tools'] } });
      const viaKey = { authorization: `ApiKey ${created.body.key}` };
      expect((await t.client.call('getCurrentUser', { headers: viaKey })).status).toBe(200);
      expect((await t.client.call('revokeApiKey', { headers: stranger.auth, params: { id: created.body.id } })).status).toBe(404);
      const revoked = await t.client.call('revokeApiKey', { headers: owner.auth, params: { id: created.body.id } });
      expect(revoked.status).toBe(204);
      expect(revoked.text).toBe('');
      expect((await t.client.call('getCurrentUser', { headers: viaKey })).status).toBe(401);
      expect((await t.client.call('revokeApiKey', { headers: owner.auth, params: { id: created.body.id } })).status).toBe(404);
      expect((await t.client.call('revokeApiKey', { headers: owner.auth, params: { id: 'not-a-uuid' } })).status).toBe(400);
      const listed = await t.client.call<ApiKeyList>('listApiKeys', { headers: owner.auth });
      expect(listed.body.apiKeys[0].status).toBe('revoked');
      expect(await db().getRepository(AuditLogEntity).findOneBy({ action: 'apikey.revoke', userId: owner.userId })).not.toBeNull();
    });

    it('refuses an expired key', async () => {
      const owner = await registerAndLogin(t.client);
      const created = await t.client.call<CreatedApiKey>('createApiKey', { headers: owner.auth, body: { name: 'short', scopes: ['read:tools'], expiresIn: 60 } });
      await db().query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [created.body.id]);
      const response = await t.client.call<Envelope>('getCurrentUser', { headers: { authorization: `ApiKey ${created.body.key}` } });
      expect(response.status).toBe(401);
      const listed = await t.client.call<ApiKeyList>('listApiKeys', { headers: owner.auth });
      expect(listed.body.apiKeys[0].status).toBe('expired');
    });

    it('validates the request', async () => {
      const owner = await registerAndLogin(t.client);
      const response = await t.client.call<Envelope>('createApiKey', { headers: owner.auth, body: { name: '', scopes: ['read:tools', 'read:tools', 'NOT A SCOPE'], expiresIn: 5 } });
      expect(response.status).toBe(400);
      expect(response.body.details?.map((detail) => detail.field).sort()).toEqual(['expiresIn', 'name', 'scopes']);
    });
  });
});
