import { AuditLogEntity } from '@app/audit';
import type { CreatedApiKey, McpService, McpServiceList, ToolExecution, UpstreamServer, UpstreamUserConfigList } from '@app/contracts';
import { SecretBox } from '@app/security';
import { type LoggedInUser, type McpTestServer, metricValue, openRawMcpSession, openWs, registerAndLogin, registerAndLoginAs, startMcpTestServer, until, useTestApp } from '@app/testing';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; message: string; code: string }> };
type Headers = Record<string, string>;

const EVERYTHING = join(process.cwd(), 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

/** A server that acts as each user: their token in Authorization, their organization in X-Org. */
const personalConfig = (overrides: Record<string, unknown> = {}) => ({
  schema: {
    type: 'object',
    properties: {
      token: { type: 'string', minLength: 3, maxLength: 200, writeOnly: true, description: 'Your personal access token' },
      org: { type: 'string', maxLength: 50 },
      teams: { type: 'array', items: { type: 'string' } },
    },
    required: ['token'],
  },
  headers: { Authorization: 'Bearer {{token}}', 'X-Org': '{{org}}' },
  ...overrides,
});

describe('MCP services: each user their own configuration of an upstream (MCP Online Platform)', () => {
  const t = useTestApp({ UPSTREAM_STDIO_COMMANDS: process.execPath });
  let admin: LoggedInUser;
  let alice: LoggedInUser;
  let bob: LoggedInUser;
  let remote: McpTestServer;
  let personalId: string;

  const createServer = (body: Record<string, unknown>) => t.client.call<UpstreamServer & Envelope>('createServer', { headers: admin.auth, body });
  const run = (headers: Headers, tool: string, parameters: Record<string, unknown> = {}) => t.client.call<ToolExecution & Envelope>('executeTool', { headers, params: { id: tool }, body: { parameters } });
  const whoami = async (headers: Headers) => {
    const answer = await run(headers, 'personal__whoami');
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return (answer.body.result as { structuredContent: { authorization: string | null; org: string | null } }).structuredContent;
  };
  const configure = (headers: Headers, config: Record<string, unknown>, id = personalId) => t.client.call<McpService & Envelope>('configureMcpService', { headers, params: { serviceId: id }, body: { config } });
  const service = (headers: Headers, id = personalId) => t.client.call<McpService & Envelope>('getMcpService', { headers, params: { serviceId: id } });

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    alice = await registerAndLogin(t.client);
    bob = await registerAndLogin(t.client);
    remote = await startMcpTestServer();
    // The server's own connection lists the tools with a token of its own.
    remote.requireAuthorization(['Bearer discovery', 'Bearer alice-token', 'Bearer bob-token']);
  });

  afterAll(async () => {
    await remote?.close();
  });

  it('an admin describes what each user gives, and where it goes; mistakes are 400s naming the field', async () => {
    const created = await createServer({ name: 'personal', description: 'Acts as you', transport: { type: 'streamable-http', url: remote.url, headers: { Authorization: 'Bearer discovery' } }, userConfig: personalConfig() });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    personalId = created.body.id;
    expect(created.body).toMatchObject({ status: 'connected', userConnections: 0, userConfig: { required: true, headers: { Authorization: 'Bearer {{token}}' } } });
    expect(created.body.tools).toContain('personal__whoami');

    const wrong = async (userConfig: Record<string, unknown>, field: string, code: string, transport: Record<string, unknown> = { type: 'streamable-http', url: remote.url }, extra: Record<string, unknown> = {}) => {
      const answer = await createServer({ name: 'wrong', transport, userConfig, ...extra });
      expect(answer.status, JSON.stringify(answer.body)).toBe(400);
      expect(answer.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field, code })]));
    };
    await wrong(personalConfig({ headers: { Authorization: 'Bearer {{tokn}}' } }), 'userConfig.headers.Authorization', 'UNKNOWN_FIELD');
    await wrong(personalConfig({ headers: undefined }), 'userConfig.headers', 'REQUIRED');
    await wrong(personalConfig({ env: { TOKEN: '{{token}}' } }), 'userConfig.env', 'INVALID_VALUE');
    await wrong(personalConfig({ headers: { 'Bad Header': '{{token}}' } }), 'userConfig.headers', 'INVALID_FORMAT');
    await wrong({ schema: { type: 'object', properties: { nested: { type: 'object' } } }, headers: { X: '{{nested}}' } }, 'userConfig.schema.properties.nested.type', 'INVALID_VALUE');
    await wrong({ schema: { type: 'object', properties: { 'not a name': { type: 'string' } } }, headers: { X: 'a' } }, 'userConfig.schema.properties', 'INVALID_FORMAT');
    await wrong({ schema: { type: 'string' }, headers: { X: 'a' } }, 'userConfig.schema', 'INVALID_VALUE');
    await wrong({ schema: { type: 'object', properties: { token: { type: 'string', pattern: '(' } } }, headers: { X: '{{token}}' } }, 'userConfig.schema', 'INVALID_VALUE');
    await wrong({ schema: { type: 'object', properties: { token: { type: 'string' } }, required: ['other'] }, headers: { X: '{{token}}' } }, 'userConfig.schema.required', 'INVALID_VALUE');
    await wrong(personalConfig(), 'userConfig.headers', 'CONFLICT', { type: 'streamable-http', url: remote.url }, { auth: { type: 'api_key', key: 'k-secret' } });
    await wrong({ schema: { type: 'object', properties: { token: { type: 'string' } } }, headers: { X: '{{token}}' } }, 'userConfig.headers', 'INVALID_VALUE', { type: 'stdio', command: process.execPath, args: [EVERYTHING, 'stdio'] });
    const notObject = await createServer({ name: 'wrong', transport: { type: 'streamable-http', url: remote.url }, userConfig: { schema: 'yes', headers: {} } });
    expect(notObject.status).toBe(400);
  });

  it('a user sees the service, what it asks of them, and that they have not given it yet', async () => {
    const list = await t.client.call<McpServiceList & Envelope>('listMcpServices', { headers: alice.auth, query: { filter: 'ACTS AS' } });
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.pagination).toMatchObject({ page: 1, total: 1, pages: 1 });
    expect(list.body.services[0]).toMatchObject({ id: personalId, name: 'personal', status: 'connected', configurable: true, requiresConfiguration: true, isConfigured: false, configuredAt: null, configuredFields: [], capabilities: [] });
    // org is optional in the admin's schema, but the X-Org template uses it: every templated field is required.
    expect(list.body.services[0].configSchema).toMatchObject({ required: ['token', 'org'] });
    expect(list.body.services[0].tools).toContain('personal__whoami');
    expect((await t.client.call<McpServiceList>('listMcpServices', { headers: alice.auth, query: { filter: 'nothing like it' } })).body.services).toEqual([]);
    expect((await service(alice.auth, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await t.client.call<Envelope>('getMcpService', { headers: alice.auth, params: { serviceId: 'not-a-uuid' } })).status).toBe(400);
    expect((await t.client.call<Envelope>('listMcpServices', { headers: alice.auth, query: { limit: 0 } })).status).toBe(400);
    expect((await t.client.call<Envelope>('listMcpServices', {})).status).toBe(401);
  });

  it("the MCP door serves none of its resources or prompts to a user who has not configured it: they would be read as the server's own identity", async () => {
    const headers = await openRawMcpSession(t.baseUrl, alice.accessToken);
    const ask = async (method: string) => {
      const answer = await fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: {} }) });
      return (await answer.json()) as { result?: Record<string, unknown[]>; error?: { code: number } };
    };
    const resources = await ask('resources/list');
    expect(resources.result?.resources ?? []).toEqual([]);
    const prompts = await ask('prompts/list');
    expect(prompts.result?.prompts ?? []).toEqual([]);
    const read = await fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'resources/read', params: { uri: 'test://note' } }) });
    expect(((await read.json()) as { error?: { code: number } }).error).toBeDefined();
    const tools = await ask('tools/list');
    expect((tools.result?.tools as Array<{ name: string }>).map((tool) => tool.name)).toContain('personal__whoami');
  });

  it('its tools are refused until the user configures it, saying how', async () => {
    const refused = await run(alice.auth, 'personal__whoami');
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body).toMatchObject({ error: 'MCP_SERVICE_UNCONFIGURED' });
    expect(refused.body.message).toContain(`/api/v1/services/${personalId}/configure`);
    // The same refusal on the other doors: a JSON-RPC error with the code, an MCP error result.
    const socket = await openWs(t.baseUrl, { headers: alice.auth });
    const viaWs = await socket.request('tools/execute', { tool: 'personal__whoami', arguments: {} });
    socket.close();
    expect(viaWs.error).toMatchObject({ code: -32602, data: { code: 'MCP_SERVICE_UNCONFIGURED' } });
    const headers = await openRawMcpSession(t.baseUrl, alice.accessToken);
    const viaMcp = await fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'personal__whoami', arguments: {} } }) });
    const called = (await viaMcp.json()) as { result?: { isError?: boolean; content: Array<{ text: string }> } };
    expect(called.result).toMatchObject({ isError: true, _meta: { code: 'MCP_SERVICE_UNCONFIGURED' } });
    expect(called.result?.content[0].text).toContain(`/api/v1/services/${personalId}/configure`);
    expect(remote.calls.get('whoami')).toBeUndefined();
  });

  it('bad configurations are 400s with a detail per problem, and nothing is stored', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{}, 'config.token'],
      [{ token: 'ok-token', extra: 'no' }, 'config.extra'],
      [{ token: 12345 }, 'config.token'],
      [{ token: 'x' }, 'config.token'],
      [{ token: 'line\r\nX-Injected: 1', org: 'acme' }, 'config.token'],
      [{ token: 'ok-token', teams: ['a', 3] }, 'config.teams[1]'],
      [{ token: '********' }, 'config.token'],
      [{ token: 'ok-token', org: 'ジャパン' }, 'config'],
      [{ token: 'ok-token' }, 'config.org'],
    ];
    for (const [config, field] of cases) {
      const answer = await configure(alice.auth, config);
      expect(answer.status, JSON.stringify(answer.body)).toBe(400);
      expect(answer.body.details?.map((detail) => detail.field)).toContain(field);
    }
    const notObject = await t.client.call<Envelope>('configureMcpService', { headers: alice.auth, params: { serviceId: personalId }, body: { config: 'token' } });
    expect(notObject.status).toBe(400);
    expect((await service(alice.auth)).body.isConfigured).toBe(false);
  });

  it('each user runs the tools as themselves, on a connection of their own; values are sealed and never answered', async () => {
    const configured = await configure(alice.auth, { token: 'alice-token', org: 'acme', teams: ['red', 'blue'] });
    expect(configured.status, JSON.stringify(configured.body)).toBe(200);
    expect(configured.body).toMatchObject({ isConfigured: true, configuredFields: ['org', 'teams', 'token'], capabilities: ['tools', 'resources', 'prompts'] });
    expect(JSON.stringify(configured.body)).not.toContain('alice-token');
    expect((await configure(bob.auth, { token: 'bob-token', org: 'initech' })).status).toBe(200);

    expect(await whoami(alice.auth)).toEqual({ authorization: 'Bearer alice-token', org: 'acme' });
    expect(await whoami(bob.auth)).toEqual({ authorization: 'Bearer bob-token', org: 'initech' });
    expect(await whoami(alice.auth)).toEqual({ authorization: 'Bearer alice-token', org: 'acme' });
    const server = await t.client.call<UpstreamServer>('getServer', { headers: admin.auth, params: { id: personalId } });
    expect(server.body.userConnections).toBe(2);
    expect(metricValue((await t.client.call('getMetrics')).text, 'mcp_upstream_user_connections', { server: 'personal' })).toBe(2);

    const [row] = await t.app.get(DataSource).query('SELECT sealed, fields FROM upstream_user_configs WHERE server_id = $1 AND user_id = $2', [personalId, alice.userId]);
    expect(row.sealed).not.toContain('alice-token');
    expect(row.fields).toEqual(['org', 'teams', 'token']);
    const audits = await t.app.get(DataSource).getRepository(AuditLogEntity).findBy({ action: 'upstream.user_config.update', resource: `upstream:${personalId}` });
    expect(audits).toHaveLength(2);
    expect(audits.find((entry) => entry.userId === alice.userId)?.details).toMatchObject({ name: 'personal', fields: ['org', 'teams', 'token'], replaced: false });
    expect(JSON.stringify(audits)).not.toContain('alice-token');
    // The run history keeps the run; the token went only in the header.
    const runs = await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM tool_executions WHERE tool_name = 'personal__whoami' AND user_id = $1 AND status = 'completed'`, [alice.userId]);
    expect(runs[0].n).toBe(2);
  });

  it("on the MCP door each user reads its resources and prompts on their own connection, and cannot subscribe through the gateway's", async () => {
    const session = async (user: LoggedInUser) => {
      const headers = await openRawMcpSession(t.baseUrl, user.accessToken);
      return async (method: string, params: Record<string, unknown> = {}) => {
        const answer = await fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
        return (await answer.json()) as { result?: Record<string, unknown>; error?: { code: number; message: string } };
      };
    };
    const asAlice = await session(alice);
    const listed = await asAlice('resources/list');
    expect((listed.result?.resources as Array<{ uri: string }>).map((resource) => resource.uri)).toContain('test://note');
    const read = await asAlice('resources/read', { uri: 'test://note' });
    expect(read.result?.contents).toEqual([{ uri: 'test://note', text: 'a note' }]);
    expect(remote.lastAuthorization()).toBe('Bearer alice-token');
    const prompt = await asAlice('prompts/get', { name: 'personal__greet', arguments: { name: 'Ada' } });
    expect(prompt.result?.messages).toBeDefined();
    expect(remote.lastAuthorization()).toBe('Bearer alice-token');
    const completed = await asAlice('completion/complete', { ref: { type: 'ref/prompt', name: 'personal__greet' }, argument: { name: 'name', value: 'A' } });
    expect((completed.result?.completion as { values: string[] }).values).toEqual(['Ada', 'Alan']);
    expect(remote.lastAuthorization()).toBe('Bearer alice-token');
    const subscribed = await asAlice('resources/subscribe', { uri: 'test://note' });
    expect(subscribed.error?.code).toBe(-32602);
    expect(subscribed.error?.message).toContain('your own configuration');

    const asBob = await session(bob);
    expect((await asBob('resources/read', { uri: 'test://note' })).result?.contents).toBeDefined();
    expect(remote.lastAuthorization()).toBe('Bearer bob-token');
  });

  it('a new configuration replaces the connection made with the old one; a masked field keeps its stored value', async () => {
    const changed = await configure(alice.auth, { token: '********', org: 'globex' });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.configuredFields).toEqual(['org', 'token']);
    expect(await whoami(alice.auth)).toEqual({ authorization: 'Bearer alice-token', org: 'globex' });
  });

  it("a token the upstream refuses is a clean 502 that never shows it; an API key runs with the owner's configuration but cannot change it", async () => {
    const carol = await registerAndLogin(t.client);
    // Tried before it is stored: the upstream refuses the token, so nothing is kept.
    const untaken = await configure(carol.auth, { token: 'carol-wrong-token', org: 'initech' });
    expect(untaken.status, JSON.stringify(untaken.body)).toBe(502);
    expect(untaken.body.error).toBe('BAD_GATEWAY');
    expect(untaken.body.message).toContain('not stored');
    expect(JSON.stringify(untaken.body)).not.toContain('carol-wrong-token');
    expect((await service(carol.auth)).body.isConfigured).toBe(false);
    // Unchecked, it is stored; the run then meets the refusal.
    const unchecked = await t.client.call<McpService>('configureMcpService', { headers: carol.auth, params: { serviceId: personalId }, body: { config: { token: 'carol-wrong-token', org: 'initech' }, verify: false } });
    expect(unchecked.status).toBe(200);
    const refused = await run(carol.auth, 'personal__whoami');
    expect(refused.status, JSON.stringify(refused.body)).toBe(502);
    expect(refused.body.error).toBe('BAD_GATEWAY');
    expect(JSON.stringify(refused.body)).not.toContain('carol-wrong-token');

    const key = (await t.client.call<CreatedApiKey>('createApiKey', { headers: alice.auth, body: { name: 'ci', scopes: ['read:tools', 'execute:tools'] } })).body;
    const byKey = { authorization: `ApiKey ${key.key}` };
    expect(await whoami(byKey)).toEqual({ authorization: 'Bearer alice-token', org: 'globex' });
    expect((await service(byKey)).body.isConfigured).toBe(true);
    const changedByKey = await configure(byKey, { token: 'stolen-token' });
    expect(changedByKey.status).toBe(403);
    expect((await t.client.call<Envelope>('removeMcpServiceConfiguration', { headers: byKey, params: { serviceId: personalId } })).status).toBe(403);
    expect(await whoami(alice.auth)).toEqual({ authorization: 'Bearer alice-token', org: 'globex' });
  });

  it('a configuration that no longer fits the schema an admin changed is refused until given again', async () => {
    const stricter = personalConfig();
    (stricter.schema as { required: string[] }).required = ['token', 'org'];
    (stricter.schema as { properties: Record<string, unknown> }).properties.org = { type: 'string', enum: ['acme'] };
    const updated = await t.client.call<UpstreamServer & Envelope>('updateServer', { headers: admin.auth, params: { id: personalId }, body: { name: 'personal', description: 'Acts as you', transport: { type: 'streamable-http', url: remote.url, headers: { Authorization: '********' } }, userConfig: stricter } });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body.userConnections).toBe(0);
    await until(() => t.client.call<UpstreamServer>('getServer', { headers: admin.auth, params: { id: personalId } }), (answer) => answer.body.tools.includes('personal__whoami'));
    const stale = await run(alice.auth, 'personal__whoami');
    expect(stale.status, JSON.stringify(stale.body)).toBe(400);
    expect(stale.body.error).toBe('MCP_SERVICE_UNCONFIGURED');
    expect(stale.body.message).toContain('no longer fits');
    expect((await configure(alice.auth, { token: '********', org: 'acme' })).status).toBe(200);
    expect(await whoami(alice.auth)).toEqual({ authorization: 'Bearer alice-token', org: 'acme' });
  });

  it('a user takes their configuration back: the tools are refused again, and a second removal is 404', async () => {
    const removed = await t.client.call('removeMcpServiceConfiguration', { headers: bob.auth, params: { serviceId: personalId } });
    expect(removed.status).toBe(204);
    expect((await run(bob.auth, 'personal__whoami')).body.error).toBe('MCP_SERVICE_UNCONFIGURED');
    expect((await t.client.call('removeMcpServiceConfiguration', { headers: bob.auth, params: { serviceId: personalId } })).status).toBe(404);
    expect(await t.app.get(DataSource).getRepository(AuditLogEntity).findOneBy({ action: 'upstream.user_config.delete', userId: bob.userId })).not.toBeNull();
    expect((await service(bob.auth)).body).toMatchObject({ isConfigured: false, configuredAt: null });
  });

  it('an admin sees who holds a configuration of the server (never the values) and removes one that must no longer be used', async () => {
    const holders = await t.client.call<UpstreamUserConfigList & Envelope>('listServerUserConfigs', { headers: admin.auth, params: { id: personalId } });
    expect(holders.status, JSON.stringify(holders.body)).toBe(200);
    const aliceEntry = holders.body.configs.find((entry) => entry.userId === alice.userId);
    expect(aliceEntry).toMatchObject({ email: alice.input.email, fields: ['org', 'token'], connected: true });
    // carol configured a wrong token; bob took his back.
    expect(holders.body.pagination.total).toBe(2);
    expect(JSON.stringify(holders.body)).not.toContain('alice-token');
    const paged = await t.client.call<UpstreamUserConfigList>('listServerUserConfigs', { headers: admin.auth, params: { id: personalId }, query: { limit: 1, page: 2 } });
    expect(paged.body.configs).toHaveLength(1);
    expect((await t.client.call('listServerUserConfigs', { headers: alice.auth, params: { id: personalId } })).status).toBe(403);
    expect((await t.client.call('listServerUserConfigs', { headers: admin.auth, params: { id: '00000000-0000-4000-8000-000000000000' } })).status).toBe(404);

    const removed = await t.client.call('deleteServerUserConfig', { headers: admin.auth, params: { id: personalId, userId: alice.userId } });
    expect(removed.status).toBe(204);
    expect((await run(alice.auth, 'personal__whoami')).body.error).toBe('MCP_SERVICE_UNCONFIGURED');
    expect((await t.client.call('deleteServerUserConfig', { headers: admin.auth, params: { id: personalId, userId: alice.userId } })).status).toBe(404);
    const audit = await t.app.get(DataSource).getRepository(AuditLogEntity).findOneBy({ action: 'admin.upstream.user_config.delete' });
    expect(audit).toMatchObject({ userId: admin.userId, resource: `upstream:${personalId}`, details: { name: 'personal', user: alice.userId } });
    // Hers was the only one open (carol's never opened): it closed with the removal.
    expect((await t.client.call<UpstreamServer>('getServer', { headers: admin.auth, params: { id: personalId } })).body.userConnections).toBe(0);
  });

  it('optional configuration: who has none runs on the server’s own connection', async () => {
    const created = await createServer({ name: 'shared', transport: { type: 'streamable-http', url: remote.url, headers: { Authorization: 'Bearer discovery' } }, userConfig: personalConfig({ required: false }) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const own = await run(bob.auth, 'shared__whoami');
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect((own.body.result as { structuredContent: { authorization: string } }).structuredContent.authorization).toBe('Bearer discovery');
    expect((await configure(bob.auth, { token: 'bob-token', org: 'initech' }, created.body.id)).status).toBe(200);
    const mine = await run(bob.auth, 'shared__whoami');
    expect((mine.body.result as { structuredContent: { authorization: string } }).structuredContent.authorization).toBe('Bearer bob-token');
    expect((await service(bob.auth, created.body.id)).body).toMatchObject({ requiresConfiguration: false, capabilities: expect.arrayContaining(['tools', 'resources']) });
  });

  it('a service that takes no configuration says so; configuring it is a 400', async () => {
    const plain = await createServer({ name: 'plain', transport: { type: 'streamable-http', url: remote.url, headers: { Authorization: 'Bearer discovery' } } });
    expect(plain.body.userConfig).toBeNull();
    expect((await service(alice.auth, plain.body.id)).body).toMatchObject({ configurable: false, requiresConfiguration: false, configSchema: null, capabilities: expect.arrayContaining(['tools', 'resources', 'prompts']) });
    const answer = await configure(alice.auth, { token: 'abc' }, plain.body.id);
    expect(answer.status).toBe(400);
    expect(answer.body.details?.[0].code).toBe('NOT_CONFIGURABLE');
  });

  it('stdio: each user gets a process of their own with their value in its environment', async () => {
    const created = await createServer({
      name: 'everyone',
      transport: { type: 'stdio', command: process.execPath, args: [EVERYTHING, 'stdio'], env: { SHARED: 'for-all' } },
      userConfig: { schema: { type: 'object', properties: { token: { type: 'string', minLength: 4 } }, required: ['token'] }, env: { PERSONAL_TOKEN: 'tok:{{token}}' } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await configure(alice.auth, { token: 'alice-env' }, created.body.id)).status).toBe(200);
    const env = await run(alice.auth, 'everyone__get-env');
    expect(env.status, JSON.stringify(env.body)).toBe(200);
    expect(JSON.stringify(env.body.result)).toContain('tok:alice-env');
    expect(JSON.stringify(env.body.result)).toContain('for-all');
    expect((await run(bob.auth, 'everyone__get-env')).body.error).toBe('MCP_SERVICE_UNCONFIGURED');
    // Deleting the server closes the users' processes with it and forgets their configurations.
    expect((await t.client.call('deleteServer', { headers: admin.auth, params: { id: created.body.id } })).status).toBe(204);
    const left = await t.app.get(DataSource).query('SELECT count(*)::int AS n FROM upstream_user_configs WHERE server_id = $1', [created.body.id]);
    expect(left[0].n).toBe(0);
  });

  it("an empty configuration cannot stand in for one: the server's own token never goes on a user's connection", async () => {
    const own = await startMcpTestServer();
    try {
      own.requireAuthorization(['Bearer discovery-admin-token', 'Bearer dan-token']);
      // The admin's schema lists nothing as required; the template still needs token.
      const userConfig = { schema: { type: 'object', properties: { token: { type: 'string' } } }, headers: { Authorization: 'Bearer {{token}}' }, required: true };
      const created = await createServer({ name: 'admin-token', transport: { type: 'streamable-http', url: own.url, headers: { Authorization: 'Bearer discovery-admin-token' } }, userConfig });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const dan = await registerAndLogin(t.client);
      const empty = await configure(dan.auth, {}, created.body.id);
      expect(empty.status, JSON.stringify(empty.body)).toBe(400);
      expect(empty.body.error).toBe('VALIDATION_ERROR');
      expect(empty.body.details).toEqual([expect.objectContaining({ field: 'config.token', code: 'REQUIRED' })]);
      expect((await service(dan.auth, created.body.id)).body).toMatchObject({ isConfigured: false, configSchema: { required: ['token'] } });
      expect((await run(dan.auth, 'admin-token__whoami')).body.error).toBe('MCP_SERVICE_UNCONFIGURED');

      // One stored all the same (before this rule, say) no longer fits: refused, never sent with the server's token.
      const sealed = t.app.get(SecretBox).encrypt('{}');
      await t.app.get(DataSource).query('INSERT INTO upstream_user_configs (server_id, user_id, sealed, fields) VALUES ($1, $2, $3, $4)', [created.body.id, dan.userId, sealed, []]);
      const stale = await run(dan.auth, 'admin-token__whoami');
      expect(stale.status, JSON.stringify(stale.body)).toBe(400);
      expect(stale.body.error).toBe('MCP_SERVICE_UNCONFIGURED');
      expect(own.calls.get('whoami')).toBeUndefined();

      // Given in full, the user's token goes in its place.
      expect((await configure(dan.auth, { token: 'dan-token' }, created.body.id)).status).toBe(200);
      const mine = await run(dan.auth, 'admin-token__whoami');
      expect((mine.body.result as { structuredContent: { authorization: string } }).structuredContent.authorization).toBe('Bearer dan-token');
    } finally {
      await own.close();
    }
  });
});

describe('MCP services: users’ connections are bounded and close when idle', () => {
  const t = useTestApp({ UPSTREAM_USER_CONNECTIONS: '1', UPSTREAM_USER_IDLE_SECONDS: '1' });
  let remote: McpTestServer;

  beforeAll(async () => {
    remote = await startMcpTestServer();
  });

  afterAll(async () => {
    await remote?.close();
  });

  it('past the bound the least recently used idle connection closes; an idle one closes by itself', async () => {
    const admin = await registerAndLoginAs(t, ['admin']);
    const users = [await registerAndLogin(t.client), await registerAndLogin(t.client)];
    const created = await t.client.call<UpstreamServer>('createServer', { headers: admin.auth, body: { name: 'personal', transport: { type: 'streamable-http', url: remote.url }, userConfig: personalConfig() } });
    const count = async () => (await t.client.call<UpstreamServer>('getServer', { headers: admin.auth, params: { id: created.body.id } })).body.userConnections;
    for (const [index, user] of users.entries()) {
      expect((await t.client.call('configureMcpService', { headers: user.auth, params: { serviceId: created.body.id }, body: { config: { token: `user-${index}`, org: 'acme' } } })).status).toBe(200);
    }
    for (const [index, user] of users.entries()) {
      const answer = await t.client.call<ToolExecution>('executeTool', { headers: user.auth, params: { id: 'personal__whoami' }, body: { parameters: {} } });
      expect(answer.status).toBe(200);
      expect(JSON.stringify(answer.body.result)).toContain(`Bearer user-${index}`);
      expect(await count()).toBe(1);
    }
    expect(await until(count, (n) => n === 0, 5_000)).toBe(0);
    // The gauge keeps the server's series, at 0 once its users' connections closed.
    expect(metricValue((await t.client.call('getMetrics')).text, 'mcp_upstream_user_connections', { server: 'personal' })).toBe(0);
    const again = await t.client.call<ToolExecution>('executeTool', { headers: users[0].auth, params: { id: 'personal__whoami' }, body: { parameters: {} } });
    expect(JSON.stringify(again.body.result)).toContain('Bearer user-0');
  });
});
