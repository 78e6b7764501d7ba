import { AuditLogEntity } from '@app/audit';
import { newUserInput, registerAndLogin, useTestApp } from '@app/testing';
import { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string };

function expectLimitHeaders(headers: Headers, limit: number): void {
  expect(headers.get('x-ratelimit-limit')).toBe(String(limit));
  expect(headers.get('x-ratelimit-remaining')).toBe('0');
  expect(Number(headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
  expect(Number(headers.get('retry-after'))).toBeGreaterThan(0);
}

describe('rate limits from configuration', () => {
  describe('register per IP and login per email-and-IP pair', () => {
    const t = useTestApp({ RATE_LIMIT_REGISTER: '2/3600', RATE_LIMIT_LOGIN: '3/900' });

    it('register: the third from one address in the window is 429 with the headers', async () => {
      const first = await t.client.call('registerUser', { body: newUserInput() });
      expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
      expect((await t.client.call('registerUser', { body: newUserInput() })).status).toBe(201);
      const third = await t.client.call<Envelope>('registerUser', { body: newUserInput() });
      expect(third.status).toBe(429);
      expect(third.body.error).toBe('RATE_LIMIT_EXCEEDED');
      expectLimitHeaders(third.headers, 2);
      // Setting a password with a one-time token is not a sign-up: a spent sign-up budget leaves it alone.
      expect((await t.client.call('setPassword', { body: { token: `pst_${'a'.repeat(43)}`, password: 'N3w!Passw0rd-here' } })).status).toBe(401);
    });

    it('login: the fourth attempt on one email is 429, another email is not affected', async () => {
      const emailA = `a-${Date.now()}@example.test`;
      for (let i = 0; i < 3; i++) {
        const attempt = await t.client.call('loginUser', { body: { email: emailA, password: 'Wrong-Passw0rd!' } });
        expect(attempt.status).toBe(401);
        expect(attempt.headers.get('x-ratelimit-remaining')).toBe(String(2 - i));
      }
      const fourth = await t.client.call<Envelope>('loginUser', { body: { email: emailA, password: 'Wrong-Passw0rd!' } });
      expect(fourth.status).toBe(429);
      expectLimitHeaders(fourth.headers, 3);
      // The same email in another case is the same account.
      expect((await t.client.call('loginUser', { body: { email: emailA.toUpperCase(), password: 'x' } })).status).toBe(429);
      expect((await t.client.call('loginUser', { body: { email: `b-${Date.now()}@example.test`, password: 'x' } })).status).toBe(401);
    });
  });

  describe('per-IP login ceiling', () => {
    const t = useTestApp({ RATE_LIMIT_LOGIN_IP: '2/900' });

    it('one address cannot spray many accounts', async () => {
      for (let i = 0; i < 2; i++) expect((await t.client.call('loginUser', { body: { email: `spray${i}-${Date.now()}@example.test`, password: 'x' } })).status).toBe(401);
      const third = await t.client.call<Envelope>('loginUser', { body: { email: `spray3-${Date.now()}@example.test`, password: 'x' } });
      expect(third.status).toBe(429);
      expectLimitHeaders(third.headers, 2);
      // Guessing set-password tokens from that address spends the same budget.
      expect((await t.client.call('setPassword', { body: { token: `pst_${'a'.repeat(43)}`, password: 'N3w!Passw0rd-here' } })).status).toBe(429);
    });
  });

  describe('account lockout after repeated failures', () => {
    const t = useTestApp({ LOGIN_LOCKOUT: '3/900' });

    it('locks the account with Retry-After, even for the right password, and audits it', async () => {
      const victim = await registerAndLogin(t.client);
      const bystander = await registerAndLogin(t.client);
      for (let i = 0; i < 3; i++) {
        expect((await t.client.call('loginUser', { body: { email: victim.input.email, password: 'Wrong-Passw0rd!' } })).status).toBe(401);
      }
      const locked = await t.client.call<Envelope>('loginUser', { body: { email: victim.input.email, password: victim.input.password } });
      expect(locked.status).toBe(429);
      expect(locked.body.message).toContain('failed logins');
      const retryAfter = Number(locked.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // The lock-out's own figures, not the route limit's (which still had attempts left).
      expectLimitHeaders(locked.headers, 3);
      expect((await t.client.call('loginUser', { body: { email: bystander.input.email, password: bystander.input.password } })).status).toBe(200);
      const audit = t.app.get(DataSource).getRepository(AuditLogEntity);
      expect(await audit.findOneBy({ action: 'auth.login', result: 'failure', severity: 'critical', userId: victim.userId })).not.toBeNull();
      expect(await audit.findOneBy({ action: 'auth.login', result: 'denied' })).not.toBeNull();
    });

    it('locks unknown emails the same way, so lockout does not reveal which accounts exist', async () => {
      const ghost = `ghost-${Date.now()}@example.test`;
      for (let i = 0; i < 3; i++) expect((await t.client.call('loginUser', { body: { email: ghost, password: 'Wrong-Passw0rd!' } })).status).toBe(401);
      expect((await t.client.call('loginUser', { body: { email: ghost, password: 'Wrong-Passw0rd!' } })).status).toBe(429);
    });
  });

  describe('every other route: one budget per user (per address when anonymous), RATE_LIMIT_API', () => {
    const t = useTestApp({ RATE_LIMIT_API: '4/60' });

    it('spends one budget across routes and MCP sessions; the fifth call is 429 with the headers; another user and the routes with limits of their own are not touched', async () => {
      const user = await registerAndLogin(t.client);
      const other = await registerAndLogin(t.client);
      const get = (path: string, headers: Record<string, string> = user.auth) => fetch(`${t.baseUrl}/api/v1${path}`, { headers });
      // Opening an MCP session spends one.
      const mcp = await fetch(`${t.baseUrl}/mcp`, {
        method: 'POST',
        headers: { ...user.auth, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
      });
      expect(mcp.status).toBe(200);
      const first = await get('/users/me');
      expect(first.status).toBe(200);
      expect(first.headers.get('x-ratelimit-limit')).toBe('4');
      expect(first.headers.get('x-ratelimit-remaining')).toBe('2');
      expect((await get('/contexts')).status).toBe(200);
      expect((await get('/sessions')).status).toBe(200);
      const refused = await get('/contexts');
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as Envelope).error).toBe('RATE_LIMIT_EXCEEDED');
      expectLimitHeaders(refused.headers, 4);
      // Routes with a limit of their own spend that one only.
      expect((await get('/tools')).status).toBe(200);
      const run = await fetch(`${t.baseUrl}/api/v1/tools/echo/execute`, { method: 'POST', headers: { ...user.auth, 'content-type': 'application/json' }, body: JSON.stringify({ parameters: { message: 'still runs' } }) });
      expect(run.status).toBe(200);
      // Probes spend none.
      for (let n = 0; n < 6; n++) expect((await fetch(`${t.baseUrl}/health`)).status).toBe(200);
      // An MCP method with no limit of its own spends the same budget, spent already; ping spends none.
      const session = { ...user.auth, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': mcp.headers.get('mcp-session-id') as string };
      const send = async (method: string, params: Record<string, unknown> = {}) => (await (await fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers: session, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) })).json()) as { result?: unknown; error?: { data?: { code?: string } } };
      expect((await send('resources/list')).error?.data?.code).toBe('RATE_LIMIT_EXCEEDED');
      expect((await send('logging/setLevel', { level: 'error' })).error?.data?.code).toBe('RATE_LIMIT_EXCEEDED');
      expect((await send('ping')).result).toEqual({});
      expect((await get('/users/me', other.auth)).status).toBe(200);
    });

    it('an anonymous caller spends the budget of its address; discovery documents spend none', async () => {
      const statuses: number[] = [];
      for (let n = 0; n < 5; n++) statuses.push((await fetch(`${t.baseUrl}/api/v1/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: 'not-a-token' }) })).status);
      expect(statuses).toEqual([401, 401, 401, 401, 429]);
      for (const path of ['/.well-known/jwks.json', '/.well-known/oauth-authorization-server', '/.well-known/oauth-protected-resource', '/api/v1/openapi.json']) {
        expect((await fetch(`${t.baseUrl}${path}`)).status, path).toBe(200);
      }
    });
  });
});
