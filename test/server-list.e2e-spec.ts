import type { ServerGroup, ToolList, UpstreamServerList } from '@app/contracts';
import { type LoggedInUser, type McpTestServer, registerAndLoginAs, startMcpTestServer, useTestApp } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('GET /admin/servers: finding servers by status, switch, group, tag and words', () => {
  const t = useTestApp();
  let admin: LoggedInUser;
  let remote: McpTestServer;
  let groupId: string;

  const names = async (query: Record<string, string | boolean>): Promise<string[]> => {
    const listed = await t.client.call<UpstreamServerList>('listServers', { headers: admin.auth, query });
    expect(listed.status, JSON.stringify(query)).toBe(200);
    return listed.body.servers.map((server) => server.name);
  };

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    remote = await startMcpTestServer();
    groupId = (await t.client.call<ServerGroup>('createServerGroup', { headers: admin.auth, body: { name: 'Sales' } })).body.id;
    const transport = { type: 'streamable-http', url: remote.url };
    const servers = [
      { name: 'alpha', description: 'Customer Records', transport, metadata: { tags: ['crm', 'prod'] } },
      { name: 'beta', transport, enabled: false, metadata: { tags: ['prod'] } },
      { name: 'gamma', description: 'Build logs', transport },
    ];
    const ids: Record<string, string> = {};
    for (const body of servers) {
      const created = await t.client.call<{ id: string }>('createServer', { headers: admin.auth, body });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      ids[body.name] = created.body.id;
    }
    expect((await t.client.call('addServersToGroup', { headers: admin.auth, params: { id: groupId }, body: { serverIds: [ids.alpha, ids.gamma] } })).status).toBe(200);
  });

  afterAll(async () => {
    await remote?.close();
  });

  it('narrows by each filter and by all of them at once', async () => {
    expect(await names({})).toEqual(['alpha', 'beta', 'gamma']);
    expect(await names({ status: 'connected' })).toEqual(['alpha', 'gamma']);
    expect(await names({ status: 'disconnected' })).toEqual(['beta']);
    expect(await names({ enabled: false })).toEqual(['beta']);
    expect(await names({ groupId })).toEqual(['alpha', 'gamma']);
    expect(await names({ tag: 'prod' })).toEqual(['alpha', 'beta']);
    expect(await names({ q: 'RECORDS' })).toEqual(['alpha']);
    expect(await names({ q: 'amm' })).toEqual(['gamma']);
    expect(await names({ tag: 'prod', enabled: true, groupId })).toEqual(['alpha']);
    expect(await names({ tag: 'nothing' })).toEqual([]);
  });

  it('refuses bad filters with 400', async () => {
    const bad: Array<Record<string, string>> = [{ status: 'broken' }, { enabled: 'maybe' }, { groupId: 'sales' }, { tag: '' }, { q: 'x'.repeat(101) }];
    for (const query of bad) {
      const answer = await t.client.call<{ error: string }>('listServers', { headers: admin.auth, query });
      expect(answer.status, JSON.stringify(query)).toBe(400);
      expect(answer.body.error).toBe('VALIDATION_ERROR');
    }
  });

  it("GET /tools finds a server's tools, and tools by where they come from", async () => {
    const tools = async (query: Record<string, string>): Promise<string[]> => {
      const listed = await t.client.call<ToolList>('listTools', { headers: admin.auth, query: { ...query, limit: 100 } });
      expect(listed.status, JSON.stringify(query)).toBe(200);
      return listed.body.tools.map((tool) => tool.name);
    };
    const alpha = await tools({ server: 'alpha' });
    expect(alpha.length).toBeGreaterThan(3);
    expect(alpha.every((name) => name.startsWith('alpha__'))).toBe(true);
    const builtin = await tools({ source: 'builtin' });
    expect(builtin).toEqual(expect.arrayContaining(['echo', 'filesystem', 'http_request', 'system_info']));
    expect(builtin.some((name) => name.includes('__'))).toBe(false);
    const upstream = await tools({ source: 'upstream' });
    expect(upstream.every((name) => name.startsWith('alpha__') || name.startsWith('gamma__'))).toBe(true);
    expect(upstream).toEqual(expect.arrayContaining(alpha));
    expect(await tools({ source: 'http' })).toEqual([]);
    expect(await tools({ server: 'beta' })).toEqual([]);
    expect(await tools({ server: 'alpha', source: 'builtin' })).toEqual([]);
    expect((await t.client.call('listTools', { headers: admin.auth, query: { source: 'elsewhere' } })).status).toBe(400);
  });
});
