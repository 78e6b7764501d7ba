import { AuditLogEntity } from '@app/audit';
import type { ServerGroup, ServerTemplateList, UpstreamServer, UpstreamServerList } from '@app/contracts';
import { type LoggedInUser, type McpTestServer, registerAndLogin, registerAndLoginAs, startMcpTestServer, useTestApp } from '@app/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const EVERYTHING = createRequire(__filename).resolve('@modelcontextprotocol/server-everything/dist/index.js');
const MISSING_GROUP = '0190d5a4-7c5e-7000-8000-000000000000';

type Envelope = { error: string; message: string; details?: Array<{ field: string; message: string; code: string }> };

// The operator's catalog: a stdio server on this host, a remote one, and a replacement for a built-in.
const FILE = join(mkdtempSync(join(tmpdir(), 'smcp-templates-')), 'templates.json');
writeFileSync(
  FILE,
  JSON.stringify([
    {
      id: 'local-everything',
      name: 'Local Everything',
      description: 'The reference server, installed on this host',
      category: 'internal',
      transport: { type: 'stdio', command: process.execPath, args: [EVERYTHING, '{{MODE}}'] },
      placeholders: [
        { key: 'MODE', description: 'Its transport', required: true, in: 'arg' },
        { key: 'LABEL', description: 'A label in its environment', required: false, secret: true, in: 'env' },
      ],
    },
    {
      id: 'remote-tools',
      name: 'Remote tools',
      description: 'A Streamable HTTP server of ours',
      category: 'internal',
      transport: { type: 'streamable-http', url: '{{URL}}' },
      placeholders: [
        { key: 'URL', description: 'Where it listens', required: true, in: 'arg' },
        { key: 'Authorization', description: 'Bearer and its token', required: true, secret: true, in: 'header' },
      ],
    },
    {
      id: 'personal-tools',
      name: 'Personal tools',
      description: 'A Streamable HTTP server of ours that acts as each user',
      category: 'internal',
      transport: { type: 'streamable-http', url: '{{URL}}' },
      placeholders: [{ key: 'URL', description: 'Where it listens', required: true, in: 'arg' }],
      userConfig: { schema: { type: 'object', properties: { token: { type: 'string', minLength: 3 } }, required: ['token'] }, headers: { Authorization: 'Bearer {{token}}' } },
    },
    { id: 'memory', name: 'Memory (ours)', description: 'Replaces the built-in memory server', category: 'data', transport: { type: 'stdio', command: process.execPath, args: ['memory.js'] } },
  ]),
);

describe('Upstream server templates (admin)', () => {
  const t = useTestApp({ UPSTREAM_STDIO_COMMANDS: process.execPath, UPSTREAM_TEMPLATES_FILE: FILE });
  let admin: LoggedInUser;
  let user: LoggedInUser;
  let remote: McpTestServer;

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    user = await registerAndLogin(t.client);
    remote = await startMcpTestServer();
  });

  afterAll(async () => {
    await remote?.close();
  });

  const templates = (query: Record<string, string> = {}) => t.client.call<ServerTemplateList & Envelope>('listServerTemplates', { headers: admin.auth, query });
  const instantiate = (id: string, body: Record<string, unknown>) => t.client.call<UpstreamServer & Envelope>('instantiateServerTemplate', { headers: admin.auth, params: { id }, body });
  const audits = async (action: string) => t.app.get(DataSource).getRepository(AuditLogEntity).find({ where: { action }, order: { timestamp: 'ASC' } });

  it('lists the built-in catalog and the operator file, which may replace a built-in; admins only', async () => {
    const all = await templates();
    expect(all.status).toBe(200);
    const byId = new Map(all.body.templates.map((template) => [template.id, template]));
    expect([...byId.keys()].sort()).toEqual(['everything', 'filesystem', 'github', 'github-personal', 'local-everything', 'memory', 'personal-tools', 'remote-tools', 'sequential-thinking']);
    expect(byId.get('github-personal')?.userConfig).toMatchObject({ required: true, headers: { Authorization: 'Bearer {{token}}' }, schema: { required: ['token'] } });
    expect(byId.get('github')?.userConfig).toBeUndefined();
    expect(all.body.templates.map((template) => template.name)).toEqual([...all.body.templates.map((template) => template.name)].sort((a, b) => a.localeCompare(b)));
    expect(byId.get('everything')).toMatchObject({ source: 'builtin', transport: { type: 'stdio', command: 'npx', args: ['-y', '@modelcontextprotocol/server-everything', 'stdio'] } });
    expect(byId.get('memory')).toMatchObject({ source: 'config', name: 'Memory (ours)' });
    expect(byId.get('github')?.placeholders).toEqual([{ key: 'Authorization', description: 'Bearer followed by a GitHub personal access token', required: true, secret: true, in: 'header' }]);
    expect((await templates({ category: 'internal' })).body.templates.map((template) => template.id)).toEqual(['local-everything', 'personal-tools', 'remote-tools']);
    expect((await templates({ q: 'KNOWLEDGE' })).body.templates.map((template) => template.id)).toEqual([]);
    expect((await templates({ q: 'reference' })).body.templates.map((template) => template.id).sort()).toEqual(['everything', 'local-everything']);
    expect((await t.client.call('listServerTemplates', { headers: user.auth })).status).toBe(403);
    expect((await t.client.call('instantiateServerTemplate', { headers: user.auth, params: { id: 'memory' }, body: { name: 'x' } })).status).toBe(403);
  });

  it('makes a stdio server with its values: connected, env sealed and masked, audited without the values', async () => {
    const made = await instantiate('local-everything', { name: 'from-template', values: { MODE: 'stdio', LABEL: 'top-secret-label' } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ name: 'from-template', status: 'connected', description: 'The reference server, installed on this host', metadata: { tags: ['template:local-everything'] } });
    expect(made.body.transport).toEqual({ type: 'stdio', command: process.execPath, args: [EVERYTHING, 'stdio'], env: { LABEL: '********' } });
    expect(made.body.tools).toContain('from-template__echo');
    expect(JSON.stringify(made.body)).not.toContain('top-secret-label');
    const [entry] = (await audits('upstream.template.instantiate')).filter((audit) => audit.resource === `upstream:${made.body.id}`);
    expect(entry.details).toEqual({ template: 'local-everything', name: 'from-template', values: ['MODE', 'LABEL'] });
    expect(JSON.stringify(entry.details)).not.toContain('top-secret-label');
    expect((await audits('upstream.create')).some((audit) => audit.resource === `upstream:${made.body.id}`)).toBe(true);
  });

  it('makes a remote server whose header carries the value, into a group', async () => {
    const group = (await t.client.call<ServerGroup>('createServerGroup', { headers: admin.auth, body: { name: 'From templates' } })).body;
    const made = await instantiate('remote-tools', { name: 'remote-from-template', values: { URL: remote.url, Authorization: 'Bearer template-token' }, groupId: group.id, toolChanges: 'hold', replicas: { count: 2 } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ status: 'connected', groupId: group.id, toolChanges: 'hold', transport: { type: 'streamable-http', url: remote.url, headers: { Authorization: '********' } } });
    expect(made.body.replicas).toEqual({ count: 2, strategy: 'round_robin' });
    expect(made.body.replicaStates.map((state) => state.status)).toEqual(['connected', 'connected']);
    expect(remote.lastAuthorization()).toBe('Bearer template-token');
    expect((await t.client.call<ServerGroup>('getServerGroup', { headers: admin.auth, params: { id: group.id } })).body.serverIds).toEqual([made.body.id]);
  });

  it("makes a server that takes each user's own configuration, and its users run it as themselves", async () => {
    const made = await instantiate('personal-tools', { name: 'personal-from-template', values: { URL: remote.url } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.userConfig).toMatchObject({ required: true, headers: { Authorization: 'Bearer {{token}}' } });
    const configured = await t.client.call('configureMcpService', { headers: user.auth, params: { serviceId: made.body.id }, body: { config: { token: 'user-token' } } });
    expect(configured.status).toBe(200);
    const ran = await t.client.call<{ result: { structuredContent: { authorization: string } } }>('executeTool', { headers: user.auth, params: { id: 'personal-from-template__whoami' }, body: { parameters: {} } });
    expect(ran.body.result.structuredContent.authorization).toBe('Bearer user-token');
  });

  it('refuses what does not fit, before making anything', async () => {
    const before = (await t.client.call<UpstreamServerList>('listServers', { headers: admin.auth })).body.servers.length;
    const refusals: Array<[string, Record<string, unknown>, number, string]> = [
      ['nope', { name: 'a' }, 404, ''],
      ['Bad_Id', { name: 'a' }, 400, 'id'],
      ['local-everything', { name: 'a' }, 400, 'values.MODE'],
      ['local-everything', { name: 'a', values: { MODE: 'stdio', NOPE: 'x' } }, 400, 'values.NOPE'],
      ['local-everything', { name: 'Bad Name', values: { MODE: 'stdio' } }, 400, 'name'],
      ['local-everything', { name: 'a', values: { MODE: 'x'.repeat(4097) } }, 400, 'values'],
      ['local-everything', { name: 'a', values: { MODE: 7 } }, 400, 'values'],
      ['local-everything', { name: 'a', values: { MODE: 'stdio' }, extra: true }, 400, 'extra'],
      ['local-everything', { name: 'a', values: { MODE: 'stdio' }, replicas: { count: 9 } }, 400, 'replicas.count'],
      // Each user of a personal server has a connection of their own: no copies.
      ['personal-tools', { name: 'a', values: { URL: remote.url }, replicas: { count: 2 } }, 400, 'replicas.count'],
      ['local-everything', { name: 'from-template', values: { MODE: 'stdio' } }, 409, 'name'],
      ['local-everything', { name: 'a', values: { MODE: 'stdio' }, groupId: MISSING_GROUP }, 404, ''],
      ['remote-tools', { name: 'a', values: { URL: 'not a url', Authorization: 'Bearer x' } }, 400, 'transport.url'],
      ['remote-tools', { name: 'a', values: { URL: remote.url, Authorization: 'Bearer x\r\nInjected: 1' } }, 400, 'transport.headers.Authorization'],
      // The built-ins start npx, which this deployment does not allow.
      ['everything', { name: 'a' }, 400, 'transport.command'],
      ['filesystem', { name: 'a' }, 400, 'values.DIRECTORY'],
    ];
    for (const [id, body, status, field] of refusals) {
      const refused = await instantiate(id, body);
      expect(refused.status, `${id} ${JSON.stringify(body).slice(0, 120)}`).toBe(status);
      if (field) expect(refused.body.details?.map((detail) => detail.field), `${id} ${JSON.stringify(body).slice(0, 120)}`).toContain(field);
    }
    expect((await t.client.call<UpstreamServerList>('listServers', { headers: admin.auth })).body.servers).toHaveLength(before);
  });
});
