import { AuditLogEntity } from '@app/audit';
import type { ServerBulkResult, ServerGroup, ServerGroupBulkResult, ServerGroupList, UpstreamServer } from '@app/contracts';
import { addHttpUpstream, freePort, type LoggedInUser, type McpTestServer, registerAndLogin, registerAndLoginAs, startMcpTestServer, useTestApp } from '@app/testing';
import { createRequire } from 'node:module';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const EVERYTHING = createRequire(__filename).resolve('@modelcontextprotocol/server-everything/dist/index.js');
const MISSING = '0190d5a4-7c5e-7000-8000-000000000000';

type Envelope = { error: string; message: string; details?: Array<{ field: string; message: string; code: string }> };

describe('Server groups (admin)', () => {
  const t = useTestApp({ UPSTREAM_STDIO_COMMANDS: process.execPath });
  let admin: LoggedInUser;
  let user: LoggedInUser;
  let remote: McpTestServer;
  let down: McpTestServer;
  let remoteId: string;
  let everythingId: string;
  let downId: string;

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    user = await registerAndLogin(t.client);
    remote = await startMcpTestServer();
    down = await startMcpTestServer();
    remoteId = (await addHttpUpstream(t.client, admin, 'grouped-remote', remote.url)).body.id;
    downId = (await addHttpUpstream(t.client, admin, 'grouped-down', down.url)).body.id;
    const everything = await t.client.call<UpstreamServer>('createServer', { headers: admin.auth, body: { name: 'grouped-everything', transport: { type: 'stdio', command: process.execPath, args: [EVERYTHING, 'stdio'] } } });
    expect(everything.body.status).toBe('connected');
    everythingId = everything.body.id;
  }, 60_000);

  afterAll(async () => {
    await remote?.close();
    await down?.close();
  });

  const call = <T = unknown>(operationId: string, options: Record<string, unknown> = {}) => t.client.call<T & Envelope>(operationId, { headers: admin.auth, ...options });
  const server = async (id: string) => (await call<UpstreamServer>('getServer', { params: { id } })).body;
  const audits = async (action: string) => t.app.get(DataSource).getRepository(AuditLogEntity).find({ where: { action }, order: { timestamp: 'ASC' } });

  it('are for admins only', async () => {
    expect((await t.client.call('listServerGroups', { headers: user.auth })).status).toBe(403);
    expect((await t.client.call('createServerGroup', { headers: user.auth, body: { name: 'x' } })).status).toBe(403);
    expect((await t.client.call('listServerGroups')).status).toBe(401);
  });

  it('are created, read, renamed, listed in order, and refuse a taken name or bad fields', async () => {
    const production = await call<ServerGroup>('createServerGroup', { body: { name: 'Production', description: 'Production MCP servers', color: '#22C55E', icon: 'server', sortOrder: 2 } });
    expect(production.status).toBe(201);
    expect(production.body).toMatchObject({ name: 'Production', color: '#22c55e', icon: 'server', sortOrder: 2, serverIds: [], serverCount: 0 });
    const development = await call<ServerGroup>('createServerGroup', { body: { name: '  Development  ' } });
    expect(development.body).toMatchObject({ name: 'Development', description: null, color: null, icon: null, sortOrder: 0 });

    const taken = await call('createServerGroup', { body: { name: 'Production' } });
    expect(taken.status).toBe(409);
    expect(taken.body.details).toEqual([{ field: 'name', message: 'name is taken', code: 'ALREADY_EXISTS' }]);
    const bad: Array<[Record<string, unknown>, string]> = [
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ name: 'x', color: 'green' }, 'color'],
      [{ name: 'x', color: '#12345' }, 'color'],
      [{ name: 'x', icon: 'Has Spaces' }, 'icon'],
      [{ name: 'x', sortOrder: -1 }, 'sortOrder'],
      [{ name: 'x', sortOrder: 1.5 }, 'sortOrder'],
      [{ name: 'x', description: 'd'.repeat(501) }, 'description'],
      [{ name: 'x', servers: [] }, 'servers'],
      [{ name: 7 }, 'name'],
    ];
    for (const [body, field] of bad) {
      const refused = await call('createServerGroup', { body });
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.details?.map((detail) => detail.field), JSON.stringify(body)).toContain(field);
    }

    const renamed = await call<ServerGroup>('updateServerGroup', { params: { id: development.body.id }, body: { name: 'Staging', sortOrder: 1 } });
    expect(renamed.body).toMatchObject({ id: development.body.id, name: 'Staging', sortOrder: 1 });
    expect((await call('updateServerGroup', { params: { id: development.body.id }, body: { name: 'Production' } })).status).toBe(409);
    const listed = await call<ServerGroupList>('listServerGroups');
    expect(listed.body.groups.map((group) => group.name)).toEqual(['Staging', 'Production']);
    expect((await call('getServerGroup', { params: { id: MISSING } })).status).toBe(404);
    expect((await call('getServerGroup', { params: { id: 'not-a-uuid' } })).status).toBe(400);
    expect((await call('updateServerGroup', { params: { id: MISSING }, body: { name: 'y' } })).status).toBe(404);
    expect((await audits('upstream.group.create')).map((entry) => entry.details?.name)).toEqual(['Production', 'Development']);
    expect(await audits('upstream.group.update')).toHaveLength(1);
  });

  it('take servers all or nothing, move a server from its group, and give each server its groupId', async () => {
    const group = (await call<ServerGroup>('createServerGroup', { body: { name: 'Bulk' } })).body;
    const other = (await call<ServerGroup>('createServerGroup', { body: { name: 'Other' } })).body;
    expect((await call('addServersToGroup', { params: { id: other.id }, body: { serverIds: [remoteId] } })).status).toBe(200);

    const unknown = await call('addServersToGroup', { params: { id: group.id }, body: { serverIds: [everythingId, MISSING] } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain(MISSING);
    expect((await server(everythingId)).groupId).toBeNull();
    for (const body of [{ serverIds: [] }, { serverIds: [remoteId, remoteId] }, { serverIds: ['nope'] }, {}, { serverIds: remoteId }]) {
      expect((await call('addServersToGroup', { params: { id: group.id }, body })).status, JSON.stringify(body)).toBe(400);
    }
    expect((await call('addServersToGroup', { params: { id: MISSING }, body: { serverIds: [remoteId] } })).status).toBe(404);

    const filled = await call<ServerGroup>('addServersToGroup', { params: { id: group.id }, body: { serverIds: [remoteId, everythingId, downId] } });
    expect(filled.status).toBe(200);
    expect(filled.body.serverIds).toEqual([downId, everythingId, remoteId]);
    expect(filled.body.serverCount).toBe(3);
    expect((await call<ServerGroup>('getServerGroup', { params: { id: other.id } })).body.serverIds).toEqual([]);
    expect((await server(remoteId)).groupId).toBe(group.id);
    const [assigned] = (await audits('upstream.group.assign')).filter((entry) => entry.resource === `server-group:${group.id}`);
    expect(assigned.details?.servers).toContainEqual({ id: remoteId, name: 'grouped-remote', from: other.id });

    // Editing a server keeps its group.
    const edited = await call<UpstreamServer>('updateServer', { params: { id: remoteId }, body: { name: 'grouped-remote', description: 'edited', transport: { type: 'streamable-http', url: remote.url } } });
    expect(edited.body.groupId).toBe(group.id);
  });

  it('connect and disconnect every server of a group, one unreachable server failing alone', async () => {
    const group = (await call<ServerGroupList>('listServerGroups')).body.groups.find((candidate) => candidate.name === 'Bulk') as ServerGroup;
    const off = await call<ServerGroupBulkResult>('disconnectServerGroup', { params: { id: group.id } });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ groupId: group.id, action: 'disconnect' });
    expect(off.body.results.map((result) => [result.name, result.outcome, result.status])).toEqual([
      ['grouped-down', 'disconnected', 'disconnected'],
      ['grouped-everything', 'disconnected', 'disconnected'],
      ['grouped-remote', 'disconnected', 'disconnected'],
    ]);
    expect((await server(everythingId)).status).toBe('disconnected');
    expect((await t.client.call('getTool', { headers: admin.auth, params: { id: 'grouped-everything__echo' } })).status).toBe(404);

    await down.stop();
    const on = await call<ServerGroupBulkResult>('connectServerGroup', { params: { id: group.id } });
    expect(on.status).toBe(200);
    const byName = new Map(on.body.results.map((result) => [result.name, result]));
    expect(byName.get('grouped-everything')).toMatchObject({ outcome: 'connected', status: 'connected' });
    expect(byName.get('grouped-remote')).toMatchObject({ outcome: 'connected', status: 'connected' });
    expect(byName.get('grouped-down')).toMatchObject({ outcome: 'failed', status: 'error' });
    expect(byName.get('grouped-down')?.error).toBeTruthy();
    expect((await t.client.call('getTool', { headers: admin.auth, params: { id: 'grouped-everything__echo' } })).status).toBe(200);

    // Each server's own audit entry, and one for the group saying which failed.
    expect((await audits('upstream.connect')).filter((entry) => entry.resource === `upstream:${everythingId}`).at(-1)?.result).toBe('success');
    expect((await audits('upstream.group.connect')).at(-1)).toMatchObject({ result: 'failure', details: { name: 'Bulk', servers: 3, failed: ['grouped-down'] } });
    expect((await audits('upstream.group.disconnect')).at(-1)).toMatchObject({ result: 'success', details: { servers: 3, failed: [] } });
    expect((await call('connectServerGroup', { params: { id: MISSING } })).status).toBe(404);
  }, 60_000);

  it('let a server out, and when deleted leave their servers ungrouped and running', async () => {
    const group = (await call<ServerGroupList>('listServerGroups')).body.groups.find((candidate) => candidate.name === 'Bulk') as ServerGroup;
    const out = await call<ServerGroup>('removeServerFromGroup', { params: { id: group.id, serverId: downId } });
    expect(out.status).toBe(200);
    expect(out.body.serverIds).toEqual([everythingId, remoteId]);
    expect((await server(downId)).groupId).toBeNull();
    expect((await call('removeServerFromGroup', { params: { id: group.id, serverId: downId } })).status).toBe(404);

    expect((await call('deleteServerGroup', { params: { id: group.id } })).status).toBe(204);
    expect((await call('getServerGroup', { params: { id: group.id } })).status).toBe(404);
    expect((await call('deleteServerGroup', { params: { id: group.id } })).status).toBe(404);
    const everything = await server(everythingId);
    expect(everything).toMatchObject({ groupId: null, status: 'connected' });
    expect((await audits('upstream.group.delete')).at(-1)?.details).toMatchObject({ name: 'Bulk', ungrouped: [everythingId, remoteId] });
    // A deleted server leaves its group too.
    const last = (await call<ServerGroup>('createServerGroup', { body: { name: 'Last' } })).body;
    await call('addServersToGroup', { params: { id: last.id }, body: { serverIds: [downId] } });
    expect((await call('deleteServer', { params: { id: downId } })).status).toBe(204);
    expect((await call<ServerGroup>('getServerGroup', { params: { id: last.id } })).body).toMatchObject({ serverIds: [], serverCount: 0 });
  });
});

describe('Bulk actions on servers named by id (MCP Connect)', () => {
  const t = useTestApp({ UPSTREAM_STDIO_COMMANDS: process.execPath });
  let admin: LoggedInUser;
  let remote: McpTestServer;
  const ids: Record<string, string> = {};
  const call = <T = unknown>(operationId: string, options: Record<string, unknown> = {}) => t.client.call<T & Envelope>(operationId, { headers: admin.auth, ...options });
  const bulk = (action: string, serverIds: unknown) => call<ServerBulkResult>('bulkServerAction', { params: { action }, body: { serverIds } });

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    remote = await startMcpTestServer();
    ids.remote = (await addHttpUpstream(t.client, admin, 'bulk-remote', remote.url)).body.id;
    ids.everything = (await call<UpstreamServer>('createServer', { body: { name: 'bulk-everything', transport: { type: 'stdio', command: process.execPath, args: [EVERYTHING, 'stdio'] } } })).body.id;
    ids.down = (await call<UpstreamServer>('createServer', { body: { name: 'bulk-down', transport: { type: 'streamable-http', url: `http://127.0.0.1:${await freePort()}/mcp` }, timeouts: { connectMs: 1_000 } } })).body.id;
  }, 60_000);

  afterAll(async () => {
    await remote?.close();
  });

  it('disconnect and connect each server as its own endpoint does, one unreachable server failing alone', async () => {
    const off = await bulk('disconnect', [ids.remote, ids.everything]);
    expect(off.status).toBe(200);
    expect(off.body).toEqual({
      action: 'disconnect',
      results: [
        { serverId: ids.everything, name: 'bulk-everything', outcome: 'disconnected', status: 'disconnected' },
        { serverId: ids.remote, name: 'bulk-remote', outcome: 'disconnected', status: 'disconnected' },
      ],
      summary: { total: 2, succeeded: 2, failed: 0 },
    });

    const on = await bulk('connect', [ids.remote, ids.down, ids.everything]);
    expect(on.status).toBe(200);
    expect(on.body.summary).toEqual({ total: 3, succeeded: 2, failed: 1 });
    expect(on.body.results.map((result) => [result.name, result.outcome])).toEqual([
      ['bulk-down', 'failed'],
      ['bulk-everything', 'connected'],
      ['bulk-remote', 'connected'],
    ]);
    expect(on.body.results[0].error).toMatch(/ECONNREFUSED/);
    expect(on.body.results[2].toolCount).toBe((await call<UpstreamServer>('getServer', { params: { id: ids.remote } })).body.tools.length);
    expect(on.body.results[1].toolCount).toBeGreaterThan(0);

    const audits = await t.app.get(DataSource).getRepository(AuditLogEntity).find({ where: { action: 'upstream.bulk.connect' } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ result: 'failure', details: { servers: ['bulk-down', 'bulk-everything', 'bulk-remote'], failed: ['bulk-down'] } });
    const own = await t.app.get(DataSource).getRepository(AuditLogEntity).find({ where: { action: 'upstream.connect', resource: `upstream:${ids.remote}` } });
    expect(own.at(-1)?.result).toBe('success');
  }, 60_000);

  it('refuse an unknown server before doing anything, and bad requests', async () => {
    const unknown = await bulk('disconnect', [ids.remote, MISSING]);
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain(MISSING);
    expect((await call<UpstreamServer>('getServer', { params: { id: ids.remote } })).body.status).toBe('connected');
    const cases: Array<[string, unknown, string]> = [
      ['connect', [], 'serverIds'],
      ['connect', [ids.remote, ids.remote], 'serverIds'],
      ['connect', ['not-a-uuid'], 'serverIds'],
      ['connect', Array.from({ length: 101 }, () => MISSING), 'serverIds'],
      ['connect', 'all', 'serverIds'],
      ['restart', [ids.remote], 'action'],
    ];
    for (const [action, serverIds, field] of cases) {
      const refused = await bulk(action, serverIds);
      expect(refused.status, JSON.stringify([action, serverIds])).toBe(400);
      expect(refused.body.details?.map((detail) => detail.field)).toContain(field);
    }
    const user = await registerAndLogin(t.client);
    expect((await t.client.call('bulkServerAction', { headers: user.auth, params: { action: 'connect' }, body: { serverIds: [ids.remote] } })).status).toBe(403);
  });
});
