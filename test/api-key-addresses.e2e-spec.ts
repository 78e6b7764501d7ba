import type { ApiKey, CreatedApiKey } from '@app/contracts';
import { AuditLogEntity } from '@app/audit';
import { endsWithin, type LoggedInUser, openMcpStream, openWs, registerAndLogin, startTestApp, type TestApp, until } from '@app/testing';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; code: string }> };

const asKey = (key: CreatedApiKey, extra: Record<string, string> = {}): Record<string, string> => ({ authorization: `ApiKey ${key.key}`, ...extra });

async function createKey(t: TestApp, owner: LoggedInUser, allowedIps?: unknown): Promise<{ status: number; body: CreatedApiKey & Envelope }> {
  return t.client.call<CreatedApiKey & Envelope>('createApiKey', { headers: owner.auth, body: { name: 'limited', scopes: ['read:tools', 'execute:tools'], ...(allowedIps === undefined ? {} : { allowedIps }) } });
}

async function upgradeStatus(t: TestApp, headers: Record<string, string>): Promise<number> {
  try {
    (await openWs(t.baseUrl, { headers })).close();
    return 101;
  } catch (error) {
    return (error as { status?: number }).status ?? 0;
  }
}

async function mcpStatus(t: TestApp, headers: Record<string, string>): Promise<{ status: number; challenge: string | null }> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
  const response = await fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body });
  await response.body?.cancel();
  return { status: response.status, challenge: response.headers.get('www-authenticate') };
}

describe('API keys limited to addresses (allowedIps)', () => {
  let t: TestApp;
  let owner: LoggedInUser;

  beforeAll(async () => {
    t = await startTestApp();
    owner = await registerAndLogin(t.client);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  const refusals = async (keyId: string): Promise<AuditLogEntity[]> => t.app.get(DataSource).getRepository(AuditLogEntity).findBy({ action: 'apikey.address_refused', resource: `apikey:${keyId}` });

  it('works from an allowed address or network on every door, and shows the list it was given (trimmed, lower case)', async () => {
    const created = await createKey(t, owner, [' 127.0.0.1', '10.0.0.0/8', '2001:DB8::/32', '::1']);
    expect(created.status).toBe(201);
    expect(created.body.allowedIps).toEqual(['127.0.0.1', '10.0.0.0/8', '2001:db8::/32', '::1']);
    const listed = await t.client.call<{ apiKeys: ApiKey[] }>('listApiKeys', { headers: owner.auth });
    expect(listed.body.apiKeys.find((key) => key.id === created.body.id)?.allowedIps).toEqual(['127.0.0.1', '10.0.0.0/8', '2001:db8::/32', '::1']);

    expect((await t.client.call('listTools', { headers: asKey(created.body) })).status).toBe(200);
    expect(await upgradeStatus(t, asKey(created.body))).toBe(101);
    expect((await mcpStatus(t, asKey(created.body))).status).toBe(200);
    // A key without a list works from anywhere, as before.
    const open = await createKey(t, owner);
    expect(open.body.allowedIps).toEqual([]);
    expect((await t.client.call('listTools', { headers: asKey(open.body) })).status).toBe(200);
  });

  it('is refused (403, saying from where) from any other address on every door, and the attempt is audited once a minute', async () => {
    const created = await createKey(t, owner, ['10.0.0.0/8', '192.0.2.7']);
    expect(created.status).toBe(201);

    const refused = await t.client.call<Envelope>('listTools', { headers: asKey(created.body) });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'FORBIDDEN', message: expect.stringMatching(/^This API key is not accepted from (::ffff:)?127\.0\.0\.1$/) });
    expect((await t.client.call('executeTool', { headers: asKey(created.body), params: { id: 'echo' }, body: { parameters: { message: 'from here' } } })).status).toBe(403);
    expect(await upgradeStatus(t, asKey(created.body))).toBe(403);
    const overMcp = await mcpStatus(t, asKey(created.body));
    expect(overMcp.status).toBe(403);
    // Not an invalid token: no challenge inviting the client to sign in again.
    expect(overMcp.challenge).toBeNull();
    expect((await t.client.call('listTools', { headers: { authorization: `Bearer ${created.body.key}` } })).status).toBe(403);

    // Written beside the refusal, not before it: waited for, then counted once more after a pause.
    await until(() => refusals(created.body.id), (rows) => rows.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const audited = await refusals(created.body.id);
    expect(audited).toHaveLength(1);
    // Found with the key's other entries (GET /admin/audit-logs?apiKeyId=).
    expect(audited[0]).toMatchObject({ result: 'denied', userId: owner.userId, apiKeyId: created.body.id, details: { address: expect.stringMatching(/127\.0\.0\.1$/) } });
    // Nothing ran and nothing was touched for the refused key.
    const listed = await t.client.call<{ apiKeys: ApiKey[] }>('listApiKeys', { headers: owner.auth });
    expect(listed.body.apiKeys.find((key) => key.id === created.body.id)?.lastUsed).toBeNull();
  });

  it('is renamed or given a new list without a new secret: the list holds from the next request, and live connections from elsewhere close', async () => {
    const created = await createKey(t, owner);
    const socket = await openWs(t.baseUrl, { headers: asKey(created.body) });
    expect((await socket.request('ping')).error).toBeUndefined();
    const mcpStream = await openMcpStream(t.baseUrl, created.body.key);
    expect(mcpStream.status).toBe(200);

    const narrowed = await t.client.call<ApiKey>('updateApiKey', { headers: owner.auth, params: { id: created.body.id }, body: { allowedIps: ['10.0.0.0/8'] } });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body).toMatchObject({ id: created.body.id, name: 'limited', prefix: created.body.prefix, scopes: ['read:tools', 'execute:tools'], allowedIps: ['10.0.0.0/8'], status: 'active' });
    // At once, although the key was cached a moment ago, and the socket it opened from here closes.
    expect((await t.client.call('listTools', { headers: asKey(created.body) })).status).toBe(403);
    expect(await socket.closed).toMatchObject({ code: 1008, reason: expect.stringContaining('not accepted from') });
    expect(await endsWithin(mcpStream, 5_000)).toBe(true);

    const widened = await t.client.call<ApiKey>('updateApiKey', { headers: owner.auth, params: { id: created.body.id }, body: { name: '  renamed  ', allowedIps: [] } });
    expect(widened.body).toMatchObject({ name: 'renamed', allowedIps: [] });
    expect((await t.client.call('listTools', { headers: asKey(created.body) })).status).toBe(200);
    // A rename alone leaves live connections be.
    const kept = await openWs(t.baseUrl, { headers: asKey(created.body) });
    expect((await t.client.call('updateApiKey', { headers: owner.auth, params: { id: created.body.id }, body: { name: 'again' } })).status).toBe(200);
    expect((await kept.request('ping')).error).toBeUndefined();
    kept.close();

    const audited = await t.app.get(DataSource).getRepository(AuditLogEntity).find({ where: { action: 'apikey.update', resource: `apikey:${created.body.id}` }, order: { timestamp: 'ASC', id: 'ASC' } });
    expect(audited.map((entry) => entry.details)).toEqual([
      { before: { name: 'limited', allowedIps: [], rateLimit: null }, after: { name: 'limited', allowedIps: ['10.0.0.0/8'], rateLimit: null } },
      { before: { name: 'limited', allowedIps: ['10.0.0.0/8'], rateLimit: null }, after: { name: 'renamed', allowedIps: [], rateLimit: null } },
      { before: { name: 'renamed', allowedIps: [], rateLimit: null }, after: { name: 'again', allowedIps: [], rateLimit: null } },
    ]);
  });

  it('refuses changes that are malformed, to someone else\'s or a revoked key, or made with a key', async () => {
    const created = await createKey(t, owner);
    const update = (body: unknown, id = created.body.id, headers = owner.auth) => t.client.call<Envelope>('updateApiKey', { headers, params: { id }, body });
    // An empty change changes nothing.
    expect(await update({})).toMatchObject({ status: 200, body: { id: created.body.id, name: 'limited', allowedIps: [] } });
    const statuses = [
      (await update([])).status,
      (await update({ allowedIps: ['10.0.0.0/40'] })).status,
      (await update({ scopes: ['admin:*'] })).status,
      (await update({ name: '' })).status,
      (await update({ allowedIps: '10.0.0.0/8' })).status,
      (await update({ name: 'x' }, 'not-a-uuid')).status,
      (await update({ name: 'x' }, '00000000-0000-4000-8000-000000000000')).status,
      (await update({ name: 'x' }, created.body.id, (await registerAndLogin(t.client)).auth)).status,
      (await update({ name: 'x' }, created.body.id, asKey(created.body))).status,
      (await update({ name: 'x' }, created.body.id, {})).status,
    ];
    expect(statuses).toEqual([400, 400, 400, 400, 400, 400, 404, 404, 403, 401]);
    expect((await t.client.call('revokeApiKey', { headers: owner.auth, params: { id: created.body.id } })).status).toBe(204);
    const revoked = await update({ allowedIps: [] });
    expect([revoked.status, revoked.body.error]).toEqual([409, 'CONFLICT']);
    // Nothing above changed the key.
    const listed = await t.client.call<{ apiKeys: ApiKey[] }>('listApiKeys', { headers: owner.auth });
    expect(listed.body.apiKeys.find((key) => key.id === created.body.id)).toMatchObject({ name: 'limited', allowedIps: [], status: 'revoked' });
  });

  it('refuses entries that are neither addresses nor CIDR networks, one detail each, and lists of the wrong shape', async () => {
    const bad = await createKey(t, owner, ['10.0.0.0/33', 'not-an-ip', '1.2.3.4/8/9', '::1/129', '10.0.0.0/', '256.1.1.1', '127.0.0.1']);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('VALIDATION_ERROR');
    expect(bad.body.details?.map((detail) => detail.field)).toEqual(['allowedIps[0]', 'allowedIps[1]', 'allowedIps[2]', 'allowedIps[3]', 'allowedIps[4]', 'allowedIps[5]']);
    for (const shape of ['10.0.0.0/8', [42], Array.from({ length: 51 }, (_, index) => `10.0.0.${index}`), ['10.0.0.1', '10.0.0.1'], ['1'], [`${'1'.repeat(65)}`]]) {
      const answer = await createKey(t, owner, shape);
      expect([answer.status, answer.body.error]).toEqual([400, 'VALIDATION_ERROR']);
    }
    // None of them made a key.
    const listed = await t.client.call<{ apiKeys: ApiKey[] }>('listApiKeys', { headers: owner.auth });
    expect(listed.body.apiKeys.every((key) => !key.allowedIps.includes('not-an-ip'))).toBe(true);
  });
});

describe('API keys limited to addresses, behind a trusted proxy (TRUST_PROXY)', () => {
  let t: TestApp;
  let owner: LoggedInUser;

  beforeAll(async () => {
    // Two proxies in front (the test client plays the outer one): the client is the third address from the right.
    t = await startTestApp({ TRUST_PROXY: '2' });
    owner = await registerAndLogin(t.client);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('judges the client address the proxies forwarded, on REST, /mcp and the WebSocket upgrade alike', async () => {
    const created = await createKey(t, owner, ['203.0.113.0/24']);
    const from = (address: string): Record<string, string> => asKey(created.body, { 'x-forwarded-for': `${address}, 10.1.2.3` });

    expect((await t.client.call('listTools', { headers: from('203.0.113.9') })).status).toBe(200);
    expect((await mcpStatus(t, from('203.0.113.9'))).status).toBe(200);
    expect(await upgradeStatus(t, from('203.0.113.9'))).toBe(101);

    const refused = await t.client.call<Envelope>('listTools', { headers: from('198.51.100.1') });
    expect([refused.status, refused.body.message]).toEqual([403, 'This API key is not accepted from 198.51.100.1']);
    expect((await mcpStatus(t, from('198.51.100.1'))).status).toBe(403);
    expect(await upgradeStatus(t, from('198.51.100.1'))).toBe(403);
    // No forwarded address: the proxy's own (loopback here) is judged, and it is not in the list.
    expect((await t.client.call('listTools', { headers: asKey(created.body) })).status).toBe(403);
  });

  it("believes no address left of the trusted proxies': a client writing an allowed one into X-Forwarded-For is judged by its own", async () => {
    const created = await createKey(t, owner, ['203.0.113.0/24']);
    // The proxies append what they saw (198.51.100.1, then 10.1.2.3) after whatever the client sent.
    const forged = asKey(created.body, { 'x-forwarded-for': '203.0.113.9, 198.51.100.1, 10.1.2.3' });
    const refused = await t.client.call<Envelope>('listTools', { headers: forged });
    expect([refused.status, refused.body.message]).toEqual([403, 'This API key is not accepted from 198.51.100.1']);
    expect((await mcpStatus(t, forged)).status).toBe(403);
    expect(await upgradeStatus(t, forged)).toBe(403);
  });

  it('takes the peer when a trusted proxy passes on something that is not an address: no 500, and the audit keeps the entry', async () => {
    const junk = { 'x-forwarded-for': `${'x'.repeat(100)}, 10.1.2.3` };
    const user = await registerAndLogin(t.client);
    const login = await t.client.call('loginUser', { headers: junk, body: { email: user.input.email, password: user.input.password } });
    expect(login.status).toBe(200);
    const refused = await t.client.call('loginUser', { headers: junk, body: { email: user.input.email, password: 'not the password' } });
    expect(refused.status).toBe(401);
    // Sign-ins after it still work (a row the database refused once must not break the ones after).
    const again = await t.client.call('loginUser', { body: { email: user.input.email, password: user.input.password } });
    expect(again.status).toBe(200);
    const entries = await until(
      async () => (await t.app.get(DataSource).getRepository(AuditLogEntity).find({ where: { userId: user.userId, action: 'auth.login' } })),
      (found) => found.length >= 3,
    );
    expect(entries.map((entry) => entry.ipAddress)).toEqual(expect.arrayContaining(['127.0.0.1']));
    expect(entries.every((entry) => entry.ipAddress === null || (entry.ipAddress as string).length <= 45)).toBe(true);
  });
});
