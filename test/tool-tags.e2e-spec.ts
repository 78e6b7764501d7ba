import { AuditLogEntity } from '@app/audit';
import type { Tool, ToolList, UpstreamServer } from '@app/contracts';
import { type LoggedInUser, type McpTestServer, registerAndLogin, registerAndLoginAs, startMcpTestServer, useTestApp } from '@app/testing';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; code: string }> };
type Headers = Record<string, string>;

/** MCP Connect's tool tags and sortBy: an admin's tags and a server's, found by GET /tools?tags=, sorted by use. */
describe('tool tags and sorting by use', () => {
  const t = useTestApp();
  let admin: LoggedInUser;
  let user: LoggedInUser;
  let remote: McpTestServer;

  const tag = (id: string, body: Record<string, unknown>, headers: Headers = admin.auth) => t.client.call<Tool & Envelope>('updateToolSettings', { headers, params: { id }, body });
  const list = async (query: Record<string, string | number>, headers: Headers = admin.auth) => {
    const answer = await t.client.call<ToolList & Envelope>('listTools', { headers, query: { limit: 100, ...query } });
    expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(200);
    return answer.body.tools.map((tool) => tool.name);
  };
  const run = (tool: string, parameters: Record<string, unknown>) => t.client.call('executeTool', { headers: admin.auth, params: { id: tool }, body: { parameters } });

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    user = await registerAndLogin(t.client);
    remote = await startMcpTestServer();
    const created = await t.client.call<UpstreamServer>('createServer', { headers: admin.auth, body: { name: 'tagged', transport: { type: 'streamable-http', url: remote.url }, metadata: { tags: ['remote', 'beta'] } } });
    expect(created.body.status).toBe('connected');
  });

  afterAll(async () => {
    await remote?.close();
  });

  it('a tool has its server’s tags; an admin’s own come first; each once', async () => {
    const echo = (await t.client.call<Tool>('getTool', { headers: admin.auth, params: { id: 'tagged__echo' } })).body;
    expect(echo.tags).toEqual(['remote', 'beta']);
    expect((await t.client.call<Tool>('getTool', { headers: admin.auth, params: { id: 'echo' } })).body.tags).toEqual([]);
    const tagged = await tag('tagged__echo', { tags: ['favourite', 'beta'], reason: 'used daily' });
    expect(tagged.status).toBe(200);
    expect(tagged.body.tags).toEqual(['favourite', 'beta', 'remote']);
    const [audit] = await t.app.get(DataSource).getRepository(AuditLogEntity).find({ where: { action: 'tool.settings.update', resource: 'tool_tagged__echo' }, order: { timestamp: 'DESC' }, take: 1 });
    expect(audit.details).toMatchObject({ tags: ['favourite', 'beta'], reason: 'used daily' });
    // Tags alone change nothing else.
    expect(tagged.body).toMatchObject({ enabled: true, requiresConfirmation: false });
  });

  it('GET /tools?tags= keeps the tools that have every tag asked, for users as for admins', async () => {
    expect((await tag('echo', { tags: ['demo', 'fast'] })).body.tags).toEqual(['demo', 'fast']);
    expect((await tag('system_info', { tags: ['demo'] })).body.tags).toEqual(['demo']);
    expect(await list({ tags: 'demo' })).toEqual(['echo', 'system_info']);
    expect(await list({ tags: 'demo, fast' })).toEqual(['echo']);
    expect(await list({ tags: 'demo,nope' })).toEqual([]);
    expect((await list({ tags: 'remote' })).every((name) => name.startsWith('tagged__'))).toBe(true);
    expect(await list({ tags: 'remote,favourite' })).toEqual(['tagged__echo']);
    expect(await list({ tags: 'demo', q: 'system' })).toEqual(['system_info']);
    expect(await list({ tags: 'demo' }, user.auth)).toEqual(['echo', 'system_info']);
  });

  it('an empty list removes a tool’s own tags, and its settings go when nothing else is set', async () => {
    expect((await tag('system_info', { tags: [] })).body.tags).toEqual([]);
    expect(await list({ tags: 'demo' })).toEqual(['echo']);
    const rows = await t.app.get(DataSource).query(`SELECT tool_id FROM tool_settings WHERE tool_id = 'tool_system_info'`);
    expect(rows).toEqual([]);
  });

  it('sort=usage puts the most run first, sort=recent the latest run; ties and tools never run by name', async () => {
    for (let i = 0; i < 3; i++) expect((await run('tagged__lookup', { key: `k${i}` })).status).toBe(200);
    expect((await run('echo', { message: 'once' })).status).toBe(200);
    expect((await run('echo', { message: 'twice' })).status).toBe(200);
    const byUse = await list({ sort: 'usage' });
    expect(byUse.slice(0, 2)).toEqual(['tagged__lookup', 'echo']);
    const neverRun = byUse.slice(2);
    expect(neverRun).toEqual([...neverRun].sort((a, b) => a.localeCompare(b)));
    expect((await run('system_info', {})).status).toBe(200);
    expect((await list({ sort: 'recent' })).slice(0, 3)).toEqual(['system_info', 'echo', 'tagged__lookup']);
    expect((await list({ sort: 'usage', tags: 'demo' }))).toEqual(['echo']);
    expect((await list({ sort: 'name' })).slice(0, 3)).toEqual([...(await list({}))].slice(0, 3));
  });

  it('refuses tags it could not find again, and other bad input, naming the field', async () => {
    const badQueries: Array<Record<string, string>> = [{ tags: ',' }, { tags: 'a,,b' }, { tags: ' , a' }, { tags: Array.from({ length: 11 }, (_, i) => `t${i}`).join(',') }, { tags: 'x'.repeat(65) }, { tags: '' }, { sort: 'popular' }];
    for (const query of badQueries) {
      const answer = await t.client.call<Envelope>('listTools', { headers: admin.auth, query });
      expect(answer.status, JSON.stringify(query)).toBe(400);
      expect(answer.body.error).toBe('VALIDATION_ERROR');
    }
    const badBodies: Array<[Record<string, unknown>, string]> = [
      [{ tags: ['a,b'] }, 'tags'],
      [{ tags: [' padded'] }, 'tags'],
      [{ tags: [''] }, 'tags'],
      [{ tags: ['x'.repeat(65)] }, 'tags'],
      [{ tags: ['same', 'same'] }, 'tags'],
      [{ tags: Array.from({ length: 17 }, (_, i) => `t${i}`) }, 'tags'],
      [{ tags: 'demo' }, 'tags'],
      [{ tags: [1] }, 'tags'],
    ];
    for (const [body, field] of badBodies) {
      const answer = await tag('echo', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.details?.map((detail) => detail.field).join(' '), JSON.stringify(body)).toContain(field);
    }
    expect((await tag('echo', { tags: ['x'] }, user.auth)).status).toBe(403);
    expect((await t.client.call<Tool>('getTool', { headers: admin.auth, params: { id: 'echo' } })).body.tags).toEqual(['demo', 'fast']);
  });
});
