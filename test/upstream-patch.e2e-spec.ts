import { AuditLogEntity } from '@app/audit';
import type { ToolExecution, UpstreamServer } from '@app/contracts';
import { type LoggedInUser, type McpTestServer, registerAndLogin, registerAndLoginAs, startMcpTestServer, useTestApp } from '@app/testing';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; code: string }> };

/** PATCH /admin/servers/{id}: a JSON Merge Patch of the configuration PUT takes, against real upstreams. */
describe('patching an upstream server', () => {
  const t = useTestApp({ UPSTREAM_STDIO_COMMANDS: process.execPath });
  let admin: LoggedInUser;
  let user: LoggedInUser;
  let remote: McpTestServer;
  let elsewhere: McpTestServer;
  let id: string;

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    user = await registerAndLogin(t.client);
    [remote, elsewhere] = await Promise.all([startMcpTestServer(), startMcpTestServer()]);
    const created = await t.client.call<UpstreamServer>('createServer', {
      headers: admin.auth,
      body: { name: 'patched', description: 'before', transport: { type: 'streamable-http', url: remote.url, headers: { authorization: 'Bearer kept-secret' } }, timeouts: { connectMs: 5000, requestMs: 10000 }, metadata: { category: 'data', tags: ['a'] } },
    });
    expect(created.body.status).toBe('connected');
    id = created.body.id;
  });

  afterAll(async () => {
    await Promise.all([remote?.close(), elsewhere?.close()]);
  });

  const patch = (body: unknown, auth = admin.auth, serverId = id) => t.client.call<UpstreamServer & Envelope>('patchServer', { headers: auth, params: { id: serverId }, body });
  const server = async () => (await t.client.call<UpstreamServer>('getServer', { headers: admin.auth, params: { id } })).body;
  const run = (tool: string, parameters: Record<string, unknown>) => t.client.call<ToolExecution>('executeTool', { headers: admin.auth, params: { id: tool }, body: { parameters } });
  const updates = async () => (await t.app.get(DataSource).getRepository(AuditLogEntity).find({ where: { action: 'upstream.update', resource: `upstream:${id}` }, order: { timestamp: 'ASC' } })).map((entry) => entry.details);

  it('merges an object field by field and keeps the stored secrets, which still reach the upstream', async () => {
    const patched = await patch({ timeouts: { requestMs: 20000 } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ status: 'connected', timeouts: { connectMs: 5000, requestMs: 20000 }, description: 'before', transport: { headers: { authorization: '********' } }, metadata: { category: 'data', tags: ['a'] } });
    expect((await run('patched__echo', { message: 'hi' })).body.status).toBe('completed');
    expect(remote.lastAuthorization()).toBe('Bearer kept-secret');
    expect((await updates()).at(-1)).toEqual({ name: 'patched', fields: ['timeouts'] });
  });

  it('null removes a field, back to its default; an array replaces the one stored', async () => {
    expect((await patch({ rateLimits: { requests: 5, window: '1m' }, metadata: { tags: ['b', 'c'] } })).body).toMatchObject({ rateLimits: { requests: 5, window: '1m' }, metadata: { category: 'data', tags: ['b', 'c'] } });
    const cleared = await patch({ rateLimits: null, description: null, timeouts: { connectMs: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.rateLimits).toBeUndefined();
    expect(cleared.body).toMatchObject({ description: null, timeouts: { connectMs: 10000, requestMs: 20000 } });
  });

  it('takes the body as application/merge-patch+json too (RFC 7396)', async () => {
    const response = await fetch(`${t.baseUrl}/api/v1/admin/servers/${id}`, {
      method: 'PATCH',
      headers: { ...admin.auth, 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ description: 'as a merge patch' }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as UpstreamServer).description).toBe('as a merge patch');
  });

  it('switches a server off and on', async () => {
    const off = await patch({ enabled: false });
    expect(off.body).toMatchObject({ enabled: false, status: 'disconnected', tools: [] });
    expect((await run('patched__echo', { message: 'x' })).status).toBe(404);
    const on = await patch({ enabled: true });
    expect(on.body).toMatchObject({ enabled: true, status: 'connected' });
    expect((await run('patched__echo', { message: 'x' })).body.status).toBe('completed');
  });

  it('a patch that changes nothing saves, audits and reconnects nothing', async () => {
    const before = await server();
    const audited = (await updates()).length;
    const same = await patch({ enabled: true, timeouts: { requestMs: 20000 } });
    expect(same.status).toBe(200);
    expect(same.body.lastConnectedAt).toBe(before.lastConnectedAt);
    expect(same.body.updatedAt).toBe(before.updatedAt);
    expect(await updates()).toHaveLength(audited);
  });

  it('moving the url to another server needs the secrets again; sent, they go there', async () => {
    const moved = await patch({ transport: { url: elsewhere.url } });
    expect(moved.status).toBe(400);
    expect(moved.body.details).toEqual([expect.objectContaining({ field: 'transport.headers.authorization', code: 'MASKED_VALUE' })]);
    expect((await server()).transport.url).toBe(remote.url);
    const resent = await patch({ transport: { url: elsewhere.url, headers: { authorization: 'Bearer new-secret' } } });
    expect(resent.body).toMatchObject({ status: 'connected', transport: { url: elsewhere.url, headers: { authorization: '********' } } });
    expect((await run('patched__echo', { message: 'there' })).body.status).toBe('completed');
    expect(elsewhere.lastAuthorization()).toBe('Bearer new-secret');
  });

  it('patches of one server at once all keep their change', async () => {
    const answers = await Promise.all([
      patch({ description: 'concurrent' }),
      patch({ timeouts: { requestMs: 30000 } }),
      patch({ healthCheck: { intervalMs: 60000 } }),
      patch({ toolChanges: 'hold' }),
      patch({ confirmTools: 'destructive' }),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await server()).toMatchObject({ description: 'concurrent', timeouts: { requestMs: 30000 }, healthCheck: { intervalMs: 60000 }, toolChanges: 'hold', confirmTools: 'destructive' });
  });

  it('refuses bad patches with the field named, and changes nothing', async () => {
    const before = await server();
    let deep: Record<string, unknown> = { x: 1 };
    for (let i = 0; i < 40; i++) deep = { nested: deep };
    const cases: Array<[unknown, number, string]> = [
      [{}, 400, ''],
      [{ timeouts: { connectMs: 5 } }, 400, 'timeouts.connectMs'],
      [{ transport: null }, 400, 'transport'],
      [{ transport: { type: 'stdio' } }, 400, 'transport.command'],
      [{ unknown: 1 }, 400, 'unknown'],
      [{ name: 'Bad Name' }, 400, 'name'],
      [{ name: 'a__b' }, 400, 'name'],
      [{ replicas: { count: 0 } }, 400, 'replicas.count'],
      [{ enabled: 'yes' }, 400, 'enabled'],
      [{ timeouts: 5 }, 400, 'timeouts'],
      [{ metadata: { category: 'nope' } }, 400, 'metadata.category'],
      [{ organizations: ['not-a-uuid'] }, 400, 'organizations'],
      [{ userConfig: deep }, 400, ''],
      [{ transport: deep }, 400, ''],
      [[{ enabled: false }], 400, ''],
      ['enabled', 400, ''],
    ];
    for (const [body, status, field] of cases) {
      const refused = await patch(body);
      expect(refused.status, JSON.stringify(body).slice(0, 100)).toBe(status);
      expect(refused.body.error, JSON.stringify(body).slice(0, 100)).toBe('VALIDATION_ERROR');
      if (field) expect(refused.body.details?.map((detail) => detail.field).join(' '), JSON.stringify(body).slice(0, 100)).toContain(field);
    }
    expect(await server()).toEqual(before);
  });

  it('is for admins, for servers that exist, and keeps names apart', async () => {
    expect((await patch({ enabled: false }, user.auth)).status).toBe(403);
    expect((await patch({ enabled: false }, admin.auth, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await patch({ enabled: false }, admin.auth, 'not-a-uuid')).status).toBe(400);
    const unknownOrganization = await patch({ organizations: ['00000000-0000-4000-8000-000000000000'] });
    expect(unknownOrganization.status).toBe(400);
    expect(unknownOrganization.body.details).toEqual([expect.objectContaining({ field: 'organizations[0]', code: 'UNKNOWN_ORGANIZATION' })]);
    const other = await t.client.call<UpstreamServer>('createServer', { headers: admin.auth, body: { name: 'other', transport: { type: 'streamable-http', url: remote.url } } });
    expect(other.status).toBe(201);
    const taken = await patch({ name: 'other' });
    expect(taken.status).toBe(409);
    const renamed = await patch({ name: 'renamed' });
    expect(renamed.body).toMatchObject({ name: 'renamed', status: 'connected' });
    expect(renamed.body.tools).toContain('renamed__echo');
  });
});
