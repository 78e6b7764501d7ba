import { AuditLogEntity } from '@app/audit';
import type { ApiKey, CreatedApiKey } from '@app/contracts';
import { endsWithin, openMcpStream, openStream, openWs, registerAndLogin, registerAndLoginAs, useTestApp } from '@app/testing';
import { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string };

describe('API key rotation, and an admin revoking a user\u2019s key', () => {
  const t = useTestApp();
  const asKey = (key: CreatedApiKey): Record<string, string> => ({ authorization: `ApiKey ${key.key}` });
  const keysOf = async (auth: Record<string, string>): Promise<ApiKey[]> => (await t.client.call<{ apiKeys: ApiKey[] }>('listApiKeys', { headers: auth })).body.apiKeys;

  it('gives a new key with the old settings; the old secret stops at once on every door, its socket closes', async () => {
    const owner = await registerAndLogin(t.client);
    const old = (await t.client.call<CreatedApiKey>('createApiKey', { headers: owner.auth, body: { name: 'deploy', scopes: ['read:tools', 'execute:tools'], allowedIps: ['127.0.0.1', '::1'] } })).body;
    const socket = await openWs(t.baseUrl, { headers: asKey(old) });

    const rotated = await t.client.call<CreatedApiKey>('rotateApiKey', { headers: owner.auth, params: { id: old.id } });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({ name: 'deploy', scopes: ['read:tools', 'execute:tools'], allowedIps: ['127.0.0.1', '::1'], expiresAt: null });
    expect(rotated.body.id).not.toBe(old.id);
    expect(rotated.body.key).not.toBe(old.key);

    expect((await t.client.call('listTools', { headers: asKey(old) })).status).toBe(401);
    expect((await t.client.call('listTools', { headers: asKey(rotated.body) })).status).toBe(200);
    expect(await socket.closed).toMatchObject({ code: 1008 });
    const keys = await keysOf(owner.auth);
    expect(keys.map((key) => [key.id, key.status])).toEqual(expect.arrayContaining([[old.id, 'revoked'], [rotated.body.id, 'active']]));

    const [audit] = await t.app.get(DataSource).getRepository(AuditLogEntity).findBy({ action: 'apikey.rotate', resource: `apikey:${old.id}` });
    expect(audit).toMatchObject({ result: 'success', userId: owner.userId, details: { replacedBy: rotated.body.id, oldValidUntil: null, expiresAt: null } });
    expect(JSON.stringify(audit.details)).not.toContain(rotated.body.key);
  });

  it('with a grace period the old secret works until then, never past its own expiry; expiresIn gives the new key a lifetime of its own', async () => {
    const owner = await registerAndLogin(t.client);
    const lasting = (await t.client.call<CreatedApiKey>('createApiKey', { headers: owner.auth, body: { name: 'lasting', scopes: ['read:tools'] } })).body;
    const before = Date.now();
    const graced = await t.client.call<CreatedApiKey>('rotateApiKey', { headers: owner.auth, params: { id: lasting.id }, body: { gracePeriod: 3600, expiresIn: 86_400 } });
    expect(graced.status).toBe(201);
    expect(Date.parse(graced.body.expiresAt as string)).toBeGreaterThanOrEqual(before + 86_400_000 - 1000);
    expect((await t.client.call('listTools', { headers: asKey(lasting) })).status).toBe(200);
    expect((await t.client.call('listTools', { headers: asKey(graced.body) })).status).toBe(200);
    const oldView = (await keysOf(owner.auth)).find((key) => key.id === lasting.id) as ApiKey;
    expect(oldView.status).toBe('active');
    expect(Math.abs(Date.parse(oldView.expiresAt as string) - (before + 3_600_000))).toBeLessThan(60_000);

    // The end of the grace period holds although the old key was cached with no expiry.
    const brief = (await t.client.call<CreatedApiKey>('createApiKey', { headers: owner.auth, body: { name: 'brief', scopes: ['read:tools'] } })).body;
    expect((await t.client.call('listTools', { headers: asKey(brief) })).status).toBe(200);
    expect((await t.client.call('rotateApiKey', { headers: owner.auth, params: { id: brief.id }, body: { gracePeriod: 2 } })).status).toBe(201);
    expect((await t.client.call('listTools', { headers: asKey(brief) })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    expect((await t.client.call('listTools', { headers: asKey(brief) })).status).toBe(401);

    // What was opened with the old secret closes when the grace period ends, on every kind of connection.
    const leaving = (await t.client.call<CreatedApiKey>('createApiKey', { headers: owner.auth, body: { name: 'leaving', scopes: ['read:tools', 'execute:tools'] } })).body;
    const socket = await openWs(t.baseUrl, { headers: asKey(leaving) });
    const events = await openStream(`${t.baseUrl}/api/v1/events`, asKey(leaving));
    const mcp = await openMcpStream(t.baseUrl, leaving.key);
    expect([events.status, mcp.status]).toEqual([200, 200]);
    expect((await t.client.call('rotateApiKey', { headers: owner.auth, params: { id: leaving.id }, body: { gracePeriod: 2 } })).status).toBe(201);
    expect((await socket.request('ping')).error).toBeUndefined();
    expect(await Promise.race([socket.closed, new Promise((resolve) => setTimeout(() => resolve('still open'), 5_000))])).toMatchObject({ code: 1008, reason: expect.stringContaining('revoked') });
    expect(await endsWithin(events, 5_000)).toBe(true);
    expect(await endsWithin(mcp, 5_000)).toBe(true);

    // A key about to expire keeps its expiry through a longer grace period, and the new one inherits it.
    const short = (await t.client.call<CreatedApiKey>('createApiKey', { headers: owner.auth, body: { name: 'short', scopes: ['read:tools'], expiresIn: 120 } })).body;
    const next = await t.client.call<CreatedApiKey>('rotateApiKey', { headers: owner.auth, params: { id: short.id }, body: { gracePeriod: 604_800 } });
    expect(next.body.expiresAt).toBe(short.expiresAt);
    expect((await keysOf(owner.auth)).find((key) => key.id === short.id)?.expiresAt).toBe(short.expiresAt);
  });

  it('refuses bad settings, someone else\u2019s or a revoked key, and a key rotating itself', async () => {
    const owner = await registerAndLogin(t.client);
    const key = (await t.client.call<CreatedApiKey>('createApiKey', { headers: owner.auth, body: { name: 'kept', scopes: ['read:tools'] } })).body;
    const rotate = (body: unknown, id = key.id, headers = owner.auth) => t.client.call<Envelope>('rotateApiKey', { headers, params: { id }, body });
    const statuses = [
      (await rotate({ gracePeriod: -1 })).status,
      (await rotate({ gracePeriod: 604_801 })).status,
      (await rotate({ gracePeriod: '60' })).status,
      (await rotate({ expiresIn: 59 })).status,
      (await rotate({ name: 'renamed' })).status,
      (await rotate([])).status,
      (await rotate({}, 'not-a-uuid')).status,
      (await rotate({}, '00000000-0000-4000-8000-000000000000')).status,
      (await rotate({}, key.id, (await registerAndLogin(t.client)).auth)).status,
      (await rotate({}, key.id, asKey(key))).status,
      (await rotate({}, key.id, {})).status,
    ];
    expect(statuses).toEqual([400, 400, 400, 400, 400, 400, 400, 404, 404, 403, 401]);
    // None of it rotated anything: the key still works, and is the owner's only one.
    expect((await t.client.call('listTools', { headers: asKey(key) })).status).toBe(200);
    expect((await keysOf(owner.auth)).map((listed) => listed.id)).toEqual([key.id]);

    expect((await t.client.call('revokeApiKey', { headers: owner.auth, params: { id: key.id } })).status).toBe(204);
    const revoked = await rotate({});
    expect([revoked.status, revoked.body.error]).toEqual([409, 'CONFLICT']);
  });

  it("an admin lists a user's keys (never a secret) and revokes one that leaked: refused at once, its socket closed, audited as the admin's act", async () => {
    const admin = await registerAndLoginAs(t, ['admin']);
    const owner = await registerAndLogin(t.client);
    const leaked = (await t.client.call<CreatedApiKey>('createApiKey', { headers: owner.auth, body: { name: 'leaked', scopes: ['read:tools'] } })).body;
    const old = (await t.client.call<CreatedApiKey>('createApiKey', { headers: owner.auth, body: { name: 'old', scopes: ['read:tools'] } })).body;
    await t.client.call('revokeApiKey', { headers: owner.auth, params: { id: old.id } });

    const listed = await t.client.call<{ apiKeys: Array<ApiKey & { key?: string }> }>('listUserApiKeys', { headers: admin.auth, params: { id: owner.userId } });
    expect(listed.status).toBe(200);
    expect(listed.body.apiKeys.map((key) => [key.name, key.status])).toEqual([['old', 'revoked'], ['leaked', 'active']]);
    expect(JSON.stringify(listed.body)).not.toContain(leaked.key);
    expect(listed.body).toEqual({ apiKeys: await keysOf(owner.auth) });

    const socket = await openWs(t.baseUrl, { headers: asKey(leaked) });
    expect((await t.client.call('revokeUserApiKey', { headers: admin.auth, params: { id: owner.userId, keyId: leaked.id } })).status).toBe(204);
    expect((await t.client.call('listTools', { headers: asKey(leaked) })).status).toBe(401);
    expect(await socket.closed).toMatchObject({ code: 1008 });
    const [audit] = await t.app.get(DataSource).getRepository(AuditLogEntity).findBy({ action: 'admin.apikey.revoke', resource: `apikey:${leaked.id}` });
    expect(audit).toMatchObject({ result: 'success', userId: admin.userId, details: { owner: owner.userId } });

    const other = await registerAndLogin(t.client);
    const refusals = [
      (await t.client.call('revokeUserApiKey', { headers: admin.auth, params: { id: owner.userId, keyId: leaked.id } })).status,
      (await t.client.call('revokeUserApiKey', { headers: admin.auth, params: { id: other.userId, keyId: old.id } })).status,
      (await t.client.call('listUserApiKeys', { headers: admin.auth, params: { id: '00000000-0000-4000-8000-000000000000' } })).status,
      (await t.client.call('listUserApiKeys', { headers: admin.auth, params: { id: 'not-a-uuid' } })).status,
      (await t.client.call('revokeUserApiKey', { headers: admin.auth, params: { id: owner.userId, keyId: 'not-a-uuid' } })).status,
      (await t.client.call('listUserApiKeys', { headers: other.auth, params: { id: owner.userId } })).status,
      (await t.client.call('revokeUserApiKey', { headers: other.auth, params: { id: owner.userId, keyId: leaked.id } })).status,
      (await t.client.call('listUserApiKeys', { params: { id: owner.userId } })).status,
    ];
    expect(refusals).toEqual([404, 404, 404, 400, 400, 403, 403, 401]);
  });

  it('an admin issues a key to a service account that never signs in: the account’s own key, within its rights', async () => {
    const admin = await registerAndLoginAs(t, ['admin']);
    const service = await registerAndLoginAs(t, ['developer']);
    const issue = (body: Record<string, unknown>, id = service.userId, headers = admin.auth) => t.client.call<CreatedApiKey & Envelope & { details?: Array<{ field: string; code: string }> }>('createUserApiKey', { headers, params: { id }, body });
    const issued = await issue({ name: 'ci', scopes: ['read:tools', 'execute:tools'], allowedIps: ['127.0.0.1', '::1'] });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ name: 'ci', scopes: ['read:tools', 'execute:tools'], key: expect.stringMatching(/^mcp_sk_/) });
    // The key acts as the account, and the account sees it as its own.
    const me = await t.client.call<{ id: string }>('getCurrentUser', { headers: asKey(issued.body) });
    expect(me.body.id).toBe(service.userId);
    expect((await t.client.call('executeTool', { headers: asKey(issued.body), params: { id: 'echo' }, body: { parameters: { message: 'from ci' } } })).status).toBe(200);
    expect((await keysOf(service.auth)).map((key) => key.id)).toEqual([issued.body.id]);
    const [audit] = await t.app.get(DataSource).getRepository(AuditLogEntity).findBy({ action: 'admin.apikey.create', resource: `apikey:${issued.body.id}` });
    expect(audit).toMatchObject({ result: 'success', userId: admin.userId, details: { owner: service.userId, name: 'ci', scopes: ['read:tools', 'execute:tools'] } });
    expect(JSON.stringify(audit.details)).not.toContain(issued.body.key);

    // Never beyond the account's rights; an unknown, bad or suspended account; not for anyone but admins.
    const beyond = await issue({ name: 'too much', scopes: ['admin:*'] });
    expect([beyond.status, beyond.body.details]).toEqual([400, [expect.objectContaining({ field: 'scopes', code: 'NOT_HELD' })]]);
    expect((await issue({ name: 'x', scopes: ['read:tools'] }, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await issue({ name: 'x', scopes: ['read:tools'] }, 'not-a-uuid')).status).toBe(400);
    expect((await issue({ name: 'x' })).status).toBe(400);
    expect((await issue({ name: 'x', scopes: ['read:tools'] }, service.userId, service.auth)).status).toBe(403);
    // Not with a key, not even an admin's: a leaked key must not mint keys that outlive it.
    const adminKey = (await t.client.call<CreatedApiKey>('createApiKey', { headers: admin.auth, body: { name: 'admin automation', scopes: ['*'] } })).body;
    expect(adminKey.key).toMatch(/^mcp_sk_/);
    expect((await issue({ name: 'x', scopes: ['read:tools'] }, service.userId, asKey(adminKey))).status).toBe(403);
    expect((await t.client.call('updateUserStatus', { headers: admin.auth, params: { id: service.userId }, body: { status: 'suspended' } })).status).toBe(200);
    expect((await issue({ name: 'x', scopes: ['read:tools'] })).status).toBe(409);
  });
});

describe('a longest lifetime for API keys (API_KEY_MAX_TTL_SECONDS)', () => {
  const t = useTestApp({ API_KEY_MAX_TTL_SECONDS: '3600' });
  type Detailed = { error: string; details?: Array<{ field: string; code: string }> };

  it('requires new keys to expire within it, rotated ones included; a key older than the rule is brought within it when rotated', async () => {
    const owner = await registerAndLogin(t.client);
    const create = (body: Record<string, unknown>) => t.client.call<CreatedApiKey & Detailed>('createApiKey', { headers: owner.auth, body: { name: 'bounded', scopes: ['read:tools'], ...body } });
    const forever = await create({});
    expect([forever.status, forever.body.details]).toEqual([400, [expect.objectContaining({ field: 'expiresIn', code: 'REQUIRED' })]]);
    const tooLong = await create({ expiresIn: 3601 });
    expect([tooLong.status, tooLong.body.details]).toEqual([400, [expect.objectContaining({ field: 'expiresIn', code: 'INVALID_VALUE' })]]);
    const bounded = await create({ expiresIn: 3600 });
    expect(bounded.status).toBe(201);

    expect((await t.client.call<Detailed>('rotateApiKey', { headers: owner.auth, params: { id: bounded.body.id }, body: { expiresIn: 7200 } })).status).toBe(400);
    const rotated = await t.client.call<CreatedApiKey>('rotateApiKey', { headers: owner.auth, params: { id: bounded.body.id } });
    expect(rotated.body.expiresAt).toBe(bounded.body.expiresAt);

    // A key made before the rule, without an expiry: its successor expires within the rule.
    await t.app.get(DataSource).query('UPDATE api_keys SET expires_at = NULL WHERE id = $1', [rotated.body.id]);
    const before = Date.now();
    const successor = await t.client.call<CreatedApiKey>('rotateApiKey', { headers: owner.auth, params: { id: rotated.body.id } });
    expect(successor.status).toBe(201);
    expect(Math.abs(Date.parse(successor.body.expiresAt as string) - (before + 3_600_000))).toBeLessThan(60_000);
  });
});

describe("an API key's own rate limit", () => {
  const t = useTestApp();
  const asKey = (key: CreatedApiKey): Record<string, string> => ({ authorization: `ApiKey ${key.key}` });
  type Detailed = Envelope & { details?: Array<{ field: string; code: string }> };

  it('every request made with the key spends from it, on every door; past it 429; other keys and sign-ins are untouched', async () => {
    const owner = await registerAndLogin(t.client);
    const create = (body: Record<string, unknown>) => t.client.call<CreatedApiKey & Detailed>('createApiKey', { headers: owner.auth, body: { name: 'limited', scopes: ['read:tools', 'execute:tools'], ...body } });
    const limited = await create({ rateLimit: { requests: 3, window: '1m' } });
    expect(limited.status).toBe(201);
    expect(limited.body.rateLimit).toEqual({ requests: 3, window: '1m' });
    const free = (await create({})).body;
    expect(free.rateLimit).toBeNull();

    expect((await t.client.call('listTools', { headers: asKey(limited.body) })).status).toBe(200);
    expect((await t.client.call('executeTool', { headers: asKey(limited.body), params: { id: 'echo' }, body: { parameters: {} } })).status).toBe(200);
    const mcp = await fetch(`${t.baseUrl}/mcp`, {
      method: 'POST',
      headers: { ...asKey(limited.body), 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
    });
    expect(mcp.status).toBe(200);
    const refused = await t.client.call<Envelope>('listTools', { headers: asKey(limited.body) });
    expect([refused.status, refused.body.error]).toEqual([429, 'RATE_LIMIT_EXCEEDED']);
    expect(refused.body.message).toMatch(/^Rate limit of this API key exceeded/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('x-ratelimit-limit')).toBe('3');
    await expect(openWs(t.baseUrl, { headers: asKey(limited.body) })).rejects.toMatchObject({ status: 429 });
    // On /ws, every message spends too, not only the upgrade.
    const socketKey = (await create({ rateLimit: { requests: 3, window: '1m' } })).body;
    const socket = await openWs(t.baseUrl, { headers: asKey(socketKey) });
    try {
      expect((await socket.request('ping')).result).toEqual({});
      expect((await socket.request('ping')).result).toEqual({});
      expect((await socket.request('ping')).error).toMatchObject({ code: -32029, message: 'Rate limit of this API key exceeded', data: { code: 'RATE_LIMIT_EXCEEDED', retryAfter: expect.any(Number) } });
    } finally {
      socket.close();
    }
    expect((await t.client.call('listTools', { headers: asKey(free) })).status).toBe(200);
    expect((await t.client.call('listTools', { headers: owner.auth })).status).toBe(200);

    // A rotation keeps the limit; lifting it counts from the next request.
    const rotated = await t.client.call<CreatedApiKey>('rotateApiKey', { headers: owner.auth, params: { id: free.id } });
    expect(rotated.body.rateLimit).toBeNull();
    const lifted = await t.client.call<ApiKey>('updateApiKey', { headers: owner.auth, params: { id: limited.body.id }, body: { rateLimit: null } });
    expect([lifted.status, lifted.body.rateLimit]).toEqual([200, null]);
    expect((await t.client.call('listTools', { headers: asKey(limited.body) })).status).toBe(200);
    const tightened = await t.client.call<ApiKey>('updateApiKey', { headers: owner.auth, params: { id: limited.body.id }, body: { rateLimit: { requests: 1, window: '1h' } } });
    expect(tightened.body.rateLimit).toEqual({ requests: 1, window: '1h' });
    const keptOnRotation = await t.client.call<CreatedApiKey>('rotateApiKey', { headers: owner.auth, params: { id: limited.body.id } });
    expect(keptOnRotation.body.rateLimit).toEqual({ requests: 1, window: '1h' });
    const [audit] = await t.app.get(DataSource).getRepository(AuditLogEntity).findBy({ action: 'apikey.update', resource: `apikey:${limited.body.id}` });
    expect(audit.details).toMatchObject({ before: { rateLimit: { requests: 3, window: '1m' } }, after: { rateLimit: null } });
  });

  it('refuses a limit it cannot keep with 400', async () => {
    const owner = await registerAndLogin(t.client);
    for (const rateLimit of [{ requests: 0, window: '1m' }, { requests: 5, window: '1d' }, { requests: 5, window: '100ms' }, { requests: 5, window: '0s' }, { requests: 5, window: '25h' }, { requests: 5 }, { requests: 5, window: '1m', burst: 2 }, 'fast']) {
      const answer = await t.client.call<Detailed>('createApiKey', { headers: owner.auth, body: { name: 'bad', scopes: ['read:tools'], rateLimit } });
      expect([answer.status, answer.body.error], JSON.stringify(rateLimit)).toEqual([400, 'VALIDATION_ERROR']);
    }
  });
});
