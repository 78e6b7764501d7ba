import type { ToolExecution, UpstreamServer } from '@app/contracts';
import { type LoggedInUser, type McpTestServer, registerAndLogin, registerAndLoginAs, startMcpTestServer, startTokenEndpoint, useTestApp } from '@app/testing';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const EVERYTHING = join(process.cwd(), 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

type Envelope = { error: string; message: string; details?: Array<{ field: string; message: string; code: string }> };

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('Upstream authentication: API keys and OAuth client credentials (MCP Connect)', () => {
  const t = useTestApp({ UPSTREAM_STDIO_COMMANDS: process.execPath });
  let admin: LoggedInUser;
  let user: LoggedInUser;
  let remote: McpTestServer;
  let tokens: Awaited<ReturnType<typeof startTokenEndpoint>>;

  const run = (tool: string, parameters: Record<string, unknown> = {}) => t.client.call<ToolExecution & Envelope>('executeTool', { headers: user.auth, params: { id: tool }, body: { parameters } });
  const create = (body: Record<string, unknown>) => t.client.call<UpstreamServer & Envelope>('createServer', { headers: admin.auth, body });
  const oauth = (overrides: Record<string, unknown> = {}) => ({ type: 'oauth2', tokenUrl: tokens.url, clientId: 'gateway client', clientSecret: 's3cret/+value', scopes: ['tools:read', 'tools:call'], ...overrides });

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    user = await registerAndLogin(t.client);
    remote = await startMcpTestServer();
    tokens = await startTokenEndpoint();
  });

  afterAll(async () => {
    await remote?.close();
    await tokens?.close();
  });

  it('sends an API key in the header it names, never answering it', async () => {
    remote.requireAuthorization(['Token k-secret']);
    const created = await create({ name: 'keyed', transport: { type: 'streamable-http', url: remote.url }, auth: { type: 'api_key', key: 'k-secret', prefix: 'Token' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ status: 'connected', auth: { type: 'api_key', key: '********', header: 'Authorization', prefix: 'Token' } });
    expect(JSON.stringify(created.body)).not.toContain('k-secret');
    expect((await run('keyed__echo', { message: 'with a key' })).status).toBe(200);
    remote.requireAuthorization(undefined);
  });

  it('gets a token by the client credentials grant, keeps it, and sends it as a Bearer token', async () => {
    remote.requireAuthorization(['Bearer tok-1']);
    const created = await create({ name: 'granted', transport: { type: 'streamable-http', url: remote.url }, auth: oauth({ resource: remote.url }) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ status: 'connected', auth: { type: 'oauth2', tokenUrl: tokens.url, clientId: 'gateway client', clientSecret: '********', scopes: ['tools:read', 'tools:call'] } });
    expect(tokens.requests).toEqual([{ authorization: basic('gateway client', 's3cret/+value'), form: { grant_type: 'client_credentials', scope: 'tools:read tools:call', resource: remote.url } }]);
    for (let i = 0; i < 3; i++) expect((await run('granted__echo', { message: `call ${i}` })).status).toBe(200);
    expect(tokens.requests).toHaveLength(1);
  });

  it('fetches a new token at once when the upstream refuses the one it has, and before one expires', async () => {
    // The upstream now accepts only the next token: the 401 is answered by fetching it and trying again.
    remote.requireAuthorization(['Bearer tok-2']);
    expect((await run('granted__echo', { message: 'after a revocation' })).status).toBe(200);
    expect(tokens.requests).toHaveLength(2);

    remote.requireAuthorization(undefined);
    tokens.expiresIn = 1;
    remote.requireAuthorization(['Bearer tok-3']);
    expect((await run('granted__echo', { message: 'one more refusal' })).status).toBe(200);
    expect(tokens.requests).toHaveLength(3);
    // tok-3 lives a second: the next request after that fetches tok-4 without being refused first.
    remote.requireAuthorization(['Bearer tok-3', 'Bearer tok-4']);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await run('granted__echo', { message: 'later' })).status).toBe(200);
    expect(tokens.requests).toHaveLength(4);
    expect(remote.lastAuthorization()).toBe('Bearer tok-4');
    tokens.expiresIn = 3600;
    remote.requireAuthorization(undefined);
  });

  it('authenticates to the token endpoint in the form when told to (client_secret_post)', async () => {
    const before = tokens.requests.length;
    remote.requireAuthorization([`Bearer tok-${before + 1}`]);
    const created = await create({ name: 'granted-post', transport: { type: 'streamable-http', url: remote.url }, auth: oauth({ clientAuthMethod: 'client_secret_post', scopes: undefined }) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ status: 'connected', auth: { type: 'oauth2', clientAuthMethod: 'client_secret_post', clientSecret: '********' } });
    expect(tokens.requests.slice(before)).toEqual([{ authorization: undefined, form: { grant_type: 'client_credentials', client_id: 'gateway client', client_secret: 's3cret/+value' } }]);
    expect((await run('granted-post__echo', { message: 'posted' })).status).toBe(200);
    const wrong = await create({ name: 'granted-wrong', transport: { type: 'streamable-http', url: remote.url }, auth: oauth({ clientAuthMethod: 'private_key_jwt' }) });
    expect(wrong.status).toBe(400);
    expect(wrong.body.details?.[0].field).toBe('auth.clientAuthMethod');
    remote.requireAuthorization(undefined);
  });

  it('sends the token on a WebSocket upgrade', async () => {
    const before = tokens.requests.length;
    const created = await create({ name: 'granted-ws', transport: { type: 'websocket', url: remote.wsUrl }, auth: oauth() });
    expect(created.body.status).toBe('connected');
    expect(remote.lastAuthorization()).toBe(`Bearer tok-${before + 1}`);
    expect((await run('granted-ws__echo', { message: 'over a socket' })).status).toBe(200);
  });

  it('sends the token on the SSE stream and on every message posted to it', async () => {
    // Refused without it: both the GET of the stream and the POSTs must carry it.
    remote.requireAuthorization([`Bearer tok-${tokens.requests.length + 1}`]);
    const created = await create({ name: 'granted-sse', transport: { type: 'sse', url: remote.sseUrl }, auth: oauth() });
    expect(created.body.status, created.body.lastError ?? '').toBe('connected');
    expect(created.body.tools).toContain('granted-sse__echo');
    const echoed = await run('granted-sse__echo', { message: 'over sse' });
    expect(echoed.status).toBe(200);
    expect(JSON.stringify(echoed.body.result)).toContain('over sse');
    remote.requireAuthorization(undefined);
  });

  it('keeps the stored secret when an update sends the mask back', async () => {
    const server = (await t.client.call<{ servers: UpstreamServer[] }>('listServers', { headers: admin.auth })).body.servers.find((candidate) => candidate.name === 'granted') as UpstreamServer;
    const updated = await t.client.call<UpstreamServer>('updateServer', { headers: admin.auth, params: { id: server.id }, body: { name: 'granted', transport: { type: 'streamable-http', url: remote.url }, auth: oauth({ clientSecret: '********' }) } });
    expect(updated.body.status).toBe('connected');
    expect(tokens.requests.at(-1)?.authorization).toBe(basic('gateway client', 's3cret/+value'));
  });

  it('never sends a stored secret anywhere but where it was given for: a mask beside a changed destination is refused', async () => {
    const servers = (await t.client.call<{ servers: UpstreamServer[] }>('listServers', { headers: admin.auth })).body.servers;
    const granted = servers.find((candidate) => candidate.name === 'granted') as UpstreamServer;
    const keyed = servers.find((candidate) => candidate.name === 'keyed') as UpstreamServer;
    const update = (id: string, body: Record<string, unknown>) => t.client.call<UpstreamServer & Envelope>('updateServer', { headers: admin.auth, params: { id }, body });
    const elsewhere = await startMcpTestServer();
    try {
      const cases: Array<[string, Record<string, unknown>, string]> = [
        // The client secret to another token endpoint.
        [granted.id, { name: 'granted', transport: { type: 'streamable-http', url: remote.url }, auth: oauth({ tokenUrl: `${tokens.url}?elsewhere=1`, clientSecret: '********' }) }, 'auth.clientSecret'],
        // The tokens it gets to another server, as the url or as one more endpoint.
        [granted.id, { name: 'granted', transport: { type: 'streamable-http', url: elsewhere.url }, auth: oauth({ clientSecret: '********' }) }, 'auth.clientSecret'],
        [granted.id, { name: 'granted', transport: { type: 'streamable-http', url: remote.url }, replicas: { count: 2, urls: [elsewhere.url] }, auth: oauth({ clientSecret: '********' }) }, 'auth.clientSecret'],
        // The API key, or a header, to another server.
        [keyed.id, { name: 'keyed', transport: { type: 'streamable-http', url: elsewhere.url }, auth: { type: 'api_key', key: '********', prefix: 'Token' } }, 'auth.key'],
        [keyed.id, { name: 'keyed', transport: { type: 'streamable-http', url: elsewhere.url, headers: { 'X-Extra': '********' } } }, 'transport.headers.X-Extra'],
        // A mask where nothing was stored.
        [keyed.id, { name: 'keyed', transport: { type: 'streamable-http', url: remote.url }, auth: oauth({ clientSecret: '********' }) }, 'auth.clientSecret'],
      ];
      for (const [id, body, field] of cases) {
        const refused = await update(id, body);
        expect(refused.status, JSON.stringify(body)).toBe(400);
        expect(refused.body.details).toEqual([expect.objectContaining({ field, code: 'MASKED_VALUE' })]);
      }
      expect((await create({ name: 'masked-new', transport: { type: 'stdio', command: process.execPath, env: { TOKEN: '********' } } })).body.details).toEqual([expect.objectContaining({ field: 'transport.env.TOKEN', code: 'MASKED_VALUE' })]);
      // Nothing was sent anywhere new.
      expect(elsewhere.lastAuthorization()).toBeUndefined();
      // The same destination keeps the secret (a path changed on the same server is the same server).
      const kept = await update(keyed.id, { name: 'keyed', transport: { type: 'streamable-http', url: `${remote.url}?v=2` }, auth: { type: 'api_key', key: '********', prefix: 'Token' } });
      expect(kept.status).toBe(200);
      expect(remote.lastAuthorization()).toBe('Token k-secret');
    } finally {
      await elsewhere.close();
    }
  });

  it('never starts another program with a stored env value: a mask beside a changed command, args or cwd is refused', async () => {
    const transport = { type: 'stdio', command: process.execPath, args: [EVERYTHING, 'stdio'], env: { SECRET_TOKEN: 'env-s3cret' } };
    const created = await create({ name: 'env-keeper', transport });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id;
    const masked = { SECRET_TOKEN: '********' };
    const update = (changes: Record<string, unknown>) => t.client.call<UpstreamServer & Envelope>('updateServer', { headers: admin.auth, params: { id }, body: { name: 'env-keeper', transport: { ...transport, env: masked, ...changes } } });
    const patch = (changes: Record<string, unknown>) => t.client.call<UpstreamServer & Envelope>('patchServer', { headers: admin.auth, params: { id }, body: { transport: changes } });
    const printsIt = ['-e', 'console.log(process.env.SECRET_TOKEN)'];
    for (const refused of [await update({ args: printsIt }), await update({ args: [EVERYTHING] }), await update({ cwd: process.cwd() }), await patch({ args: printsIt })]) {
      expect(refused.status, JSON.stringify(refused.body)).toBe(400);
      expect(refused.body.details).toEqual([expect.objectContaining({ field: 'transport.env.SECRET_TOKEN', code: 'MASKED_VALUE' })]);
      expect(refused.body.message).toContain('send SECRET_TOKEN again');
    }
    expect((await t.client.call<UpstreamServer>('getServer', { headers: admin.auth, params: { id } })).body.transport.args).toEqual([EVERYTHING, 'stdio']);
    // The same program keeps it; a new one takes it only sent again in full.
    expect((await update({})).status).toBe(200);
    expect(JSON.stringify((await run('env-keeper__get-env')).body.result)).toContain('env-s3cret');
    const resent = await update({ cwd: process.cwd(), env: { SECRET_TOKEN: 'env-s3cret-2' } });
    expect(resent.status, JSON.stringify(resent.body)).toBe(200);
    expect(JSON.stringify((await run('env-keeper__get-env')).body.result)).toContain('env-s3cret-2');
  });

  it('says why no token could be had, without the secret', async () => {
    tokens.failWith = { status: 401, body: { error: 'invalid_client', error_description: 'the client secret is wrong' } };
    const refused = await create({ name: 'denied', transport: { type: 'streamable-http', url: remote.url }, auth: oauth({ clientSecret: 'not-the-secret' }), timeouts: { connectMs: 3_000 } });
    expect(refused.status).toBe(201);
    expect(refused.body.status).toBe('error');
    expect(refused.body.lastError).toContain('the token endpoint answered HTTP 401 (invalid_client: the client secret is wrong)');
    expect(JSON.stringify(refused.body)).not.toContain('not-the-secret');
    // The same over WebSocket, where the token is asked for before the upgrade.
    const overWs = await create({ name: 'denied-ws', transport: { type: 'websocket', url: remote.wsUrl }, auth: oauth({ clientSecret: 'not-the-secret' }), timeouts: { connectMs: 3_000 } });
    expect(overWs.status).toBe(201);
    expect(overWs.body.status).toBe('error');
    expect(overWs.body.lastError).toContain('the token endpoint answered HTTP 401 (invalid_client');
    tokens.failWith = { status: 200, body: { access_token: 'has spaces', token_type: 'Bearer' } };
    const malformed = await create({ name: 'malformed', transport: { type: 'streamable-http', url: remote.url }, auth: oauth(), timeouts: { connectMs: 3_000 } });
    expect(malformed.body.lastError).toContain('cannot be sent as a Bearer token');
    tokens.failWith = { status: 200, body: { access_token: 'mac-token', token_type: 'mac' } };
    expect((await create({ name: 'not-bearer', transport: { type: 'streamable-http', url: remote.url }, auth: oauth(), timeouts: { connectMs: 3_000 } })).body.lastError).toContain('not a Bearer token');
    tokens.failWith = undefined;
    const unreachable = await create({ name: 'no-endpoint', transport: { type: 'streamable-http', url: remote.url }, auth: oauth({ tokenUrl: 'http://127.0.0.1:1/token' }), timeouts: { connectMs: 3_000 } });
    expect(unreachable.body.lastError).toContain('the token endpoint could not be reached');
  });

  it('refuses auth settings that cannot work, naming the field and echoing no secret', async () => {
    const http = { type: 'streamable-http', url: remote.url };
    const cases: Array<[Record<string, unknown>, Record<string, unknown>, string]> = [
      [{ type: 'stdio', command: process.execPath }, { type: 'api_key', key: 'x' }, 'auth.type'],
      [http, { type: 'api_key' }, 'auth.key'],
      [http, { type: 'oauth2', tokenUrl: tokens.url, clientId: 'c' }, 'auth.clientSecret'],
      [http, { type: 'oauth2', clientId: 'c', clientSecret: 'hidden-1' }, 'auth.tokenUrl'],
      [http, oauth({ tokenUrl: 'http://auth.example.com/token' }), 'auth.tokenUrl'],
      [http, { type: 'api_key', key: 'hidden-2', tokenUrl: tokens.url }, 'auth.tokenUrl'],
      [http, { type: 'none', key: 'hidden-3' }, 'auth.key'],
      [{ ...http, headers: { authorization: 'Bearer fixed' } }, oauth(), 'auth.type'],
      [{ ...http, headers: { 'X-Key': 'v' } }, { type: 'api_key', key: 'hidden-4', header: 'x-key' }, 'auth.header'],
      [http, { type: 'api_key', key: 'hidden\r\n5' }, 'auth.key'],
      [http, { type: 'api_key', key: 'k', prefix: 'Two words' }, 'auth.prefix'],
      [http, { type: 'api_key', key: 'k', header: 'bad header' }, 'auth.header'],
      [http, oauth({ scopes: ['has space'] }), 'auth.scopes'],
      [http, oauth({ tokenUrl: 'not a url' }), 'auth.tokenUrl'],
      [http, { type: 'basic', key: 'k' }, 'auth.type'],
      [http, { type: 'api_key', key: 'k', extra: 1 }, 'auth.extra'],
    ];
    for (const [transport, auth, field] of cases) {
      const refused = await create({ name: 'refused', transport, auth });
      expect(refused.status, JSON.stringify(auth)).toBe(400);
      expect(refused.body.details?.map((detail) => detail.field), JSON.stringify(auth)).toContain(field);
      expect(JSON.stringify(refused.body)).not.toMatch(/hidden/);
    }
    const names = (await t.client.call<{ servers: UpstreamServer[] }>('listServers', { headers: admin.auth })).body.servers.map((server) => server.name);
    expect(names).not.toContain('refused');
  });
});
