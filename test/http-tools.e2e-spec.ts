import { AuditLogEntity } from '@app/audit';
import type { HttpTool, HttpToolImportResult, HttpToolList, Tool, ToolExecution } from '@app/contracts';
import { HttpToolEntity, HttpToolsService, ToolRegistry } from '@app/tools';
import { type LoggedInUser, login, openRawMcpSession, openWs, rawMcpRequest, registerAndLogin, registerAndLoginAs, type RestApi, startRestApi, startTokenEndpoint, useTestApp } from '@app/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { createPublicKey, type JsonWebKey, verify } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; message: string; code: string }> };
type Headers = Record<string, string>;
type Answer = { status: number; contentType: string | null; body: unknown; location?: string | null };
type Run = ToolExecution & Envelope & { result: Answer; error: { code: string; message: string } };

const SECRET = 'Bearer crm-token-0123456789abcdef';

describe('REST endpoints served as tools (HTTP tools): defined by admins, run on every door through the engine', () => {
  const t = useTestApp();
  let admin: LoggedInUser;
  let user: LoggedInUser;
  let api: RestApi;
  const ids = new Map<string, string>();

  const create = (body: Record<string, unknown>, headers: Headers = admin.auth) => t.client.call<HttpTool & Envelope>('createHttpTool', { headers, body });
  const update = (name: string, body: Record<string, unknown>) => t.client.call<HttpTool & Envelope>('updateHttpTool', { headers: admin.auth, params: { id: ids.get(name) as string }, body });
  const run = (tool: string, parameters: Record<string, unknown>, headers: Headers = user.auth) => t.client.call<Run>('executeTool', { headers, params: { id: tool }, body: { parameters } });
  const define = async (body: Record<string, unknown>): Promise<HttpTool> => {
    const created = await create(body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    ids.set(created.body.name, created.body.id);
    return created.body;
  };
  const lastRequest = () => api.requests[api.requests.length - 1];

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    user = await registerAndLogin(t.client);
    api = await startRestApi();
  });

  afterAll(async () => {
    await api?.close();
  });

  it('only admins define them; bad definitions are 400s naming the field, taken names 409s', async () => {
    const good = { name: 'crm_ticket', description: 'Reads a CRM ticket', method: 'GET', url: `${api.url}/tickets/{ticketId}` };
    expect((await create(good, user.auth)).status).toBe(403);
    expect((await t.client.call('listHttpTools', { headers: user.auth })).status).toBe(403);
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ ...good, name: 'Crm' }, 'name'],
      [{ ...good, name: 'crm__ticket' }, 'name'],
      [{ ...good, name: 'crm_' }, 'name'],
      [{ ...good, name: 'x'.repeat(64) }, 'name'],
      [{ ...good, name: 'tool_ticket' }, 'name'],
      [{ ...good, identity: { header: 'Host' } }, 'identity.header'],
      [{ ...good, identity: { header: 'Transfer-Encoding' } }, 'identity.header'],
      [{ ...good, description: '' }, 'description'],
      [{ ...good, method: 'TRACE' }, 'method'],
      [{ ...good, url: 'ftp://example.com/{ticketId}' }, 'url'],
      [{ ...good, url: `http://{host}.example.com/tickets` }, 'url'],
      [{ ...good, url: `${api.url}/tickets?id={ticketId}` }, 'url'],
      [{ ...good, url: `http://user:pass@127.0.0.1/tickets/{ticketId}` }, 'url'],
      [{ ...good, url: `${api.url}/tickets/{ticket-id}` }, 'url'],
      [{ ...good, url: 'not a url' }, 'url'],
      [{ ...good, headers: { host: 'elsewhere' } }, 'headers.host'],
      [{ ...good, headers: { 'content-length': '5' } }, 'headers.content-length'],
      [{ ...good, headers: { 'x-bad': 'line\r\nbreak' } }, 'headers.x-bad'],
      [{ ...good, headers: { authorization: '********' } }, 'headers.authorization'],
      [{ ...good, inputSchema: { type: 'array' } }, 'inputSchema.type'],
      [{ ...good, inputSchema: { type: 'object', properties: { other: { type: 'string' } } } }, 'inputSchema.required'],
      [{ ...good, inputSchema: { type: 'object', properties: { ticketId: { type: 'nonsense' } }, required: ['ticketId'] } }, 'inputSchema'],
      [{ ...good, inputSchema: 'object' }, 'inputSchema'],
      [{ ...good, timeoutMs: 50 }, 'timeoutMs'],
      [{ ...good, maxResponseBytes: 100 * 1024 * 1024 }, 'maxResponseBytes'],
      [{ ...good, permissions: ['Use CRM'] }, 'permissions'],
      [{ ...good, rateLimit: { requests: 0, window: '1m' } }, 'rateLimit.requests'],
      [{ ...good, extra: true }, 'extra'],
    ];
    for (const [body, field] of bad) {
      const answer = await create(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error).toBe('VALIDATION_ERROR');
      expect(answer.body.details?.map((detail) => detail.field), JSON.stringify(body)).toContain(field);
    }
    const builtin = await create({ ...good, name: 'echo' });
    expect(builtin.status).toBe(409);
    expect(builtin.body.details?.[0]).toMatchObject({ field: 'name', code: 'ALREADY_EXISTS' });
    expect((await t.client.call<HttpToolList>('listHttpTools', { headers: admin.auth })).body.httpTools).toEqual([]);
    expect((await t.client.call('getHttpTool', { headers: admin.auth, params: { id: 'not-a-uuid' } })).status).toBe(400);
    expect((await t.client.call('getHttpTool', { headers: admin.auth, params: { id: '00000000-0000-4000-8000-000000000000' } })).status).toBe(404);
  });

  it('a GET tool fills its path, sends its other arguments as the query and its sealed headers, and answers the parsed JSON', async () => {
    const created = await define({
      name: 'crm_ticket',
      description: 'Reads a CRM ticket',
      category: 'analytics',
      method: 'GET',
      url: `${api.url}/v2/tickets/{ticketId}?expand=notes`,
      headers: { Authorization: SECRET, 'X-Team': 'support' },
      inputSchema: { type: 'object', properties: { ticketId: { type: 'string', minLength: 1 }, fields: { type: 'array', items: { type: 'string' } }, limit: { type: 'integer', maximum: 50 } }, required: ['ticketId'], additionalProperties: false },
    });
    expect(created).toMatchObject({ toolId: 'tool_crm_ticket', name: 'crm_ticket', category: 'analytics', method: 'GET', headers: { Authorization: '********', 'X-Team': '********' }, timeoutMs: 30_000, permissions: [] });
    expect((await t.client.call<HttpToolList>('listHttpTools', { headers: admin.auth })).body.httpTools.map((tool) => tool.name)).toEqual(['crm_ticket']);

    const row = await t.app.get(DataSource).getRepository(HttpToolEntity).findOneByOrFail({ name: 'crm_ticket' });
    expect(JSON.stringify(row.headers)).not.toContain('crm-token');

    const tool = await t.client.call<Tool>('getTool', { headers: user.auth, params: { id: 'crm_ticket' } });
    expect(tool.body).toMatchObject({ id: 'tool_crm_ticket', source: 'http', category: 'analytics', enabled: true, permissions: ['execute:tools'] });

    const answer = await run('crm_ticket', { ticketId: 'T-1/x?y=1#z', fields: ['title', 'owner'], limit: 5 });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.status).toBe('completed');
    expect(answer.body.result).toEqual({
      status: 200,
      contentType: 'application/json',
      body: { method: 'GET', path: '/v2/tickets/T-1%2Fx%3Fy%3D1%23z', query: { expand: ['notes'], fields: ['title', 'owner'], limit: ['5'] }, body: null },
    });
    const seen = lastRequest();
    expect(seen.rawUrl).toBe('/v2/tickets/T-1%2Fx%3Fy%3D1%23z?expand=notes&fields=title&fields=owner&limit=5');
    expect(seen.headers).toMatchObject({ authorization: SECRET, 'x-team': 'support', accept: expect.stringContaining('application/json'), 'user-agent': expect.stringMatching(/^secure-mcp-server\//) });

    // The engine's rules hold as for any tool: the schema, and the audit without header values.
    const invalid = await run('crm_ticket', { limit: 500, extra: 1 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.details?.map((detail) => detail.field).sort()).toEqual(['extra', 'limit', 'ticketId']);
    const audits = await t.app.get(DataSource).getRepository(AuditLogEntity).find({ where: [{ action: 'http_tool.create' }, { action: 'tool.execute', resource: 'tool_crm_ticket' }] });
    expect(audits.map((entry) => entry.action).sort()).toEqual(['http_tool.create', 'tool.execute']);
    expect(JSON.stringify(audits)).not.toContain('crm-token');
    expect(audits.find((entry) => entry.action === 'http_tool.create')?.details).toMatchObject({ name: 'crm_ticket', method: 'GET', headers: ['Authorization', 'X-Team'] });
  });

  it('a path segment is never empty, . or .., and an argument never sets a query parameter the url fixes', async () => {
    const before = api.requests.length;
    // Nor a . or .. between slashes: encoded they stay in the segment here, but a proxy that decodes %2F would climb.
    for (const ticketId of ['..', '.', 'T-1/../../admin', '..\\admin']) {
      const refused = await run('crm_ticket', { ticketId });
      expect(refused.status, ticketId).toBe(400);
      expect(refused.body.details?.[0]).toMatchObject({ field: 'ticketId', code: 'INVALID_VALUE' });
    }
    await define({ name: 'crm_search', description: 'Searches tickets', method: 'GET', url: `${api.url}/search?scope=open`, inputSchema: { type: 'object', additionalProperties: { type: 'string' } } });
    const fixed = await run('crm_search', { scope: 'all' });
    expect(fixed.status).toBe(400);
    expect(fixed.body.details?.[0]).toMatchObject({ field: 'scope', code: 'NOT_ALLOWED' });
    expect(api.requests.length).toBe(before);
  });

  it('a POST tool sends the other arguments as its JSON body', async () => {
    await define({
      name: 'crm_comment',
      description: 'Comments on a ticket',
      method: 'POST',
      url: `${api.url}/v2/tickets/{ticketId}/comments`,
      inputSchema: { type: 'object', properties: { ticketId: { type: 'integer' }, text: { type: 'string' }, internal: { type: 'boolean' } }, required: ['ticketId', 'text'] },
    });
    const answer = await run('crm_comment', { ticketId: 42, text: 'Looking into it', internal: true });
    expect(answer.body.result.body).toEqual({ method: 'POST', path: '/v2/tickets/42/comments', query: {}, body: { text: 'Looking into it', internal: true } });
    expect(lastRequest().headers['content-type']).toBe('application/json');
  });

  it('a failing status, a redirect, a slow or too large answer end the run failed, with what came back', async () => {
    await define({ name: 'crm_status', description: 'Answers a status', method: 'GET', url: `${api.url}/status/{code}` });
    const notFound = await run('crm_status', { code: '404' });
    expect(notFound.status).toBe(200);
    expect(notFound.body).toMatchObject({ status: 'failed', error: { code: 'HTTP_ERROR', message: 'GET answered 404' }, result: { status: 404, body: { title: 'refused', status: 404 } } });
    expect((await run('crm_status', { code: '503' })).body.error.code).toBe('HTTP_ERROR');

    await define({ name: 'crm_moved', description: 'Redirects', method: 'GET', url: `${api.url}/redirect` });
    expect((await run('crm_moved', {})).body).toMatchObject({ status: 'failed', error: { code: 'HTTP_REDIRECT' }, result: { status: 302, location: 'http://elsewhere.test/' } });

    await define({ name: 'crm_slow', description: 'Slow', method: 'GET', url: `${api.url}/slow`, timeoutMs: 300 });
    expect((await run('crm_slow', {})).body).toMatchObject({ status: 'failed', error: { code: 'TIMEOUT' } });

    await define({ name: 'crm_big', description: 'Big', method: 'GET', url: `${api.url}/big`, maxResponseBytes: 10_000 });
    expect((await run('crm_big', {})).body).toMatchObject({ status: 'failed', error: { code: 'RESPONSE_TOO_LARGE' } });

    await define({ name: 'crm_text', description: 'Text', method: 'GET', url: `${api.url}/text` });
    expect((await run('crm_text', {})).body.result).toEqual({ status: 200, contentType: 'text/plain', body: 'plain words' });

    await define({ name: 'crm_down', description: 'Nobody there', method: 'GET', url: 'http://127.0.0.1:1/down' });
    expect((await run('crm_down', {})).body).toMatchObject({ status: 'failed', error: { code: 'CONNECTION_FAILED' } });
  });

  it('a response path gives the caller only what it selects of a successful JSON answer', async () => {
    await define({ name: 'crm_query_names', description: 'Only the query', method: 'GET', url: `${api.url}/items`, responsePath: '$.query.tag[*]', inputSchema: { type: 'object', properties: { tag: { type: 'array', items: { type: 'string' } } } } });
    expect((await run('crm_query_names', { tag: ['red', 'blue'] })).body.result).toEqual({ status: 200, contentType: 'application/json', body: ['red', 'blue'] });
    await define({ name: 'crm_failing_path', description: 'Failing', method: 'GET', url: `${api.url}/status/{code}`, responsePath: '$.title' });
    expect((await run('crm_failing_path', { code: '200' })).body.result.body).toBe('refused');
    // A failing answer stays whole: it says why.
    expect((await run('crm_failing_path', { code: '500' })).body.result.body).toEqual({ title: 'refused', status: 500 });
    await define({ name: 'crm_text_path', description: 'Text', method: 'GET', url: `${api.url}/text`, responsePath: '$.anything' });
    expect((await run('crm_text_path', {})).body.result.body).toBe('plain words');
    for (const responsePath of ['data', '$..x', '$[?(@.a)]']) {
      const refused = await create({ name: 'crm_bad_path', description: 'x', method: 'GET', url: `${api.url}/x`, responsePath });
      expect(refused.status, responsePath).toBe(400);
      expect(refused.body.details?.[0]).toMatchObject({ field: 'responsePath', code: 'INVALID_FORMAT' });
    }
  });

  it("a context's retry policy tries again when the service says it did not act, and a repeatable request when its gateway failed", async () => {
    await define({ name: 'crm_flaky_get', description: 'Flaky', method: 'GET', url: `${api.url}/flaky/{times}/{key}` });
    await define({ name: 'crm_flaky_post', description: 'Flaky', method: 'POST', url: `${api.url}/flaky/{times}/{key}` });
    await define({ name: 'crm_status_get', description: 'Status', method: 'GET', url: `${api.url}/status/{code}` });
    await define({ name: 'crm_status_post', description: 'Status', method: 'POST', url: `${api.url}/status/{code}` });
    const tools = ['crm_flaky_get', 'crm_flaky_post', 'crm_status_get', 'crm_status_post'];
    const context = await t.client.call<{ id: string }>('createContext', { headers: user.auth, body: { name: 'Retrying', tools, settings: { maxExecutionTime: 20_000, retryPolicy: { maxRetries: 2, backoffMultiplier: 1 } } } });
    expect(context.status, JSON.stringify(context.body)).toBe(201);
    const inContext = (tool: string, parameters: Record<string, unknown>) => t.client.call<Run>('executeTool', { headers: user.auth, params: { id: tool }, body: { parameters, context: { contextId: context.body.id } } });
    const sent = (path: string) => api.requests.filter((request) => request.path === path).length;

    expect((await inContext('crm_flaky_get', { times: '2', key: 'get' })).body).toMatchObject({ status: 'completed', result: { body: { attempt: 3 } } });
    expect(sent('/flaky/2/get')).toBe(3);
    expect((await inContext('crm_flaky_post', { times: '1', key: 'post' })).body).toMatchObject({ status: 'completed', result: { body: { attempt: 2 } } });
    // A bad gateway, or a bare 503 (a proxy's, maybe after it passed the request on), may have passed a POST on: not sent again. A GET is.
    const before = { get: sent('/status/502'), post: 0 };
    expect((await inContext('crm_status_post', { code: '502' })).body).toMatchObject({ status: 'failed', error: { code: 'HTTP_ERROR' } });
    before.post = sent('/status/502');
    expect(before.post - before.get).toBe(1);
    const bare503 = sent('/status/503');
    expect((await inContext('crm_status_post', { code: '503' })).body.status).toBe('failed');
    expect(sent('/status/503') - bare503).toBe(1);
    expect((await inContext('crm_status_get', { code: '502' })).body.status).toBe('failed');
    expect(sent('/status/502') - before.post).toBe(3);
    // A refusal that will not change is never tried again, and without a context nothing is.
    expect((await inContext('crm_status_get', { code: '404' })).body.status).toBe('failed');
    expect((await run('crm_flaky_get', { times: '1', key: 'direct' })).body).toMatchObject({ status: 'failed', error: { code: 'HTTP_ERROR' } });
    expect(sent('/flaky/1/direct')).toBe(1);
  });

  it('an API that echoes the request never hands a caller the credentials the admin configured', async () => {
    await define({ name: 'crm_whoami', description: 'Echoes', method: 'GET', url: `${api.url}/echo-authorization`, headers: { authorization: SECRET } });
    const answer = await run('crm_whoami', {});
    expect(lastRequest().headers.authorization).toBe(SECRET);
    expect(answer.body.result.body).toEqual({ youSent: '********' });
    expect(JSON.stringify(answer.body)).not.toContain('crm-token');
    // Only credentials are masked: a header value such as a team name stays readable where the answer repeats it.
    await define({ name: 'crm_team_notes', description: 'Notes', method: 'GET', url: `${api.url}/notes?team=support`, headers: { authorization: SECRET, 'X-Team': 'support' } });
    expect((await run('crm_team_notes', {})).body.result.body).toMatchObject({ query: { team: ['support'] } });
  });

  it('authenticates as an upstream server does: an API key, or an OAuth client credentials token fetched again on a 401', async () => {
    const keyed = await define({ name: 'crm_keyed', description: 'With a key', method: 'GET', url: `${api.url}/echo-authorization`, auth: { type: 'api_key', key: 'key-0123456789', header: 'X-Api-Key', prefix: '' } });
    expect(keyed.auth).toEqual({ type: 'api_key', key: '********', header: 'X-Api-Key', prefix: '' });
    await run('crm_keyed', {});
    expect(lastRequest().headers['x-api-key']).toBe('key-0123456789');
    await define({ name: 'crm_keyed_echo', description: 'Key reflected', method: 'GET', url: `${api.url}/echo-authorization`, auth: { type: 'api_key', key: 'key-9876543210', prefix: 'Key' } });
    const reflected = await run('crm_keyed_echo', {});
    expect(lastRequest().headers.authorization).toBe('Key key-9876543210');
    expect(reflected.body.result.body).toEqual({ youSent: '********' });
    const clash = await create({ name: 'crm_clash', description: 'x', method: 'GET', url: `${api.url}/x`, headers: { 'x-api-key': 'a' }, auth: { type: 'api_key', key: 'b', header: 'X-Api-Key' } });
    expect(clash.status).toBe(400);
    expect(clash.body.details?.[0]).toMatchObject({ field: 'auth.header', code: 'CONFLICT' });
    const offHost = await create({ name: 'crm_clash', description: 'x', method: 'GET', url: `${api.url}/x`, auth: { type: 'oauth2', tokenUrl: 'http://auth.example.com/token', clientId: 'c', clientSecret: 's' } });
    expect(offHost.body.details?.[0]).toMatchObject({ field: 'auth.tokenUrl' });

    const tokens = await startTokenEndpoint();
    try {
      const oauth = await define({ name: 'crm_oauth', description: 'With a token', method: 'GET', url: `${api.url}/echo-authorization`, auth: { type: 'oauth2', tokenUrl: tokens.url, clientId: 'gateway', clientSecret: 'client-secret-value', scopes: ['tickets.read'] } });
      expect(oauth.auth).toMatchObject({ type: 'oauth2', clientId: 'gateway', clientSecret: '********' });
      const first = await run('crm_oauth', {});
      expect(lastRequest().headers.authorization).toBe('Bearer tok-1');
      // The API reflects the token: the caller never sees it.
      expect(first.body.result.body).toEqual({ youSent: '********' });
      await run('crm_oauth', {});
      expect(tokens.requests).toHaveLength(1);
      expect(tokens.requests[0].form).toMatchObject({ grant_type: 'client_credentials', scope: 'tickets.read' });

      // The API stops taking tok-1: the 401 fetches tok-2 and the run goes through.
      api.requireAuthorization('Bearer tok-2');
      const renewed = await run('crm_oauth', {});
      expect(renewed.body.status, JSON.stringify(renewed.body)).toBe('completed');
      expect(tokens.requests).toHaveLength(2);
      // Refused again with a fresh token: the run fails with the API's answer, and no third token is asked for in the same run.
      api.requireAuthorization('Bearer never');
      expect((await run('crm_oauth', {})).body).toMatchObject({ status: 'failed', error: { code: 'HTTP_ERROR' }, result: { status: 401 } });
      expect(tokens.requests).toHaveLength(3);
      api.requireAuthorization(undefined);

      tokens.failWith = { status: 401, body: { error: 'invalid_client', error_description: 'the client secret is wrong' } };
      await update('crm_oauth', { name: 'crm_oauth', description: 'With a token', method: 'GET', url: `${api.url}/echo-authorization`, auth: { type: 'oauth2', tokenUrl: tokens.url, clientId: 'gateway', clientSecret: '********' } });
      const noToken = await run('crm_oauth', {});
      expect(noToken.body).toMatchObject({ status: 'failed', error: { code: 'AUTH_FAILED', message: expect.stringContaining('invalid_client') } });
      expect(JSON.stringify(noToken.body)).not.toContain('client-secret-value');
    } finally {
      api.requireAuthorization(undefined);
      await tokens.close();
    }
    const row = await t.app.get(DataSource).getRepository(HttpToolEntity).findOneByOrFail({ name: 'crm_oauth' });
    expect(JSON.stringify(row.auth)).not.toContain('client-secret-value');
  });

  it("tells the service who the caller is in a short-lived assertion it checks with the gateway's published keys", async () => {
    await define({ name: 'crm_as_user', description: 'As the caller', method: 'GET', url: `${api.url}/whoami`, identity: {} });
    const answer = await run('crm_as_user', {});
    expect(answer.body.status).toBe('completed');
    const assertion = lastRequest().headers['x-identity-assertion'] as string;
    const [header, payload, signature] = assertion.split('.');
    const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string };
    const jwks = (await (await fetch(`${t.baseUrl}/.well-known/jwks.json`)).json()) as { keys: Array<JsonWebKey & { kid: string }> };
    const key = createPublicKey({ key: jwks.keys.find((candidate) => candidate.kid === kid) as JsonWebKey, format: 'jwk' });
    expect(verify('sha256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'))).toBe(true);
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ aud: new URL(api.url).origin, sub: user.userId, email: user.input.email, roles: ['user'], tool: 'crm_as_user', execution_id: answer.body.executionId, token_use: 'identity' });
    expect((claims.exp as number) - (claims.iat as number)).toBe(60);
    // It is the service's to check, never a way into the gateway.
    expect((await t.client.call('getCurrentUser', { headers: { authorization: `Bearer ${assertion}` } })).status).toBe(401);

    await define({ name: 'crm_as_bearer', description: 'As the caller, in Authorization', method: 'GET', url: `${api.url}/whoami`, identity: { header: 'Authorization', audience: 'urn:crm' } });
    await run('crm_as_bearer', {});
    const bearer = lastRequest().headers.authorization as string;
    expect(bearer).toMatch(/^Bearer ey/);
    expect(JSON.parse(Buffer.from(bearer.slice(7).split('.')[1], 'base64url').toString())).toMatchObject({ aud: 'urn:crm' });

    const clashes = [
      { identity: { header: 'Authorization' }, auth: { type: 'api_key', key: 'k-123456' } },
      { identity: { header: 'x-who' }, headers: { 'X-Who': 'static' } },
    ];
    for (const clash of clashes) {
      const refused = await create({ name: 'crm_clash', description: 'x', method: 'GET', url: `${api.url}/x`, ...clash });
      expect(refused.status, JSON.stringify(clash)).toBe(400);
      expect(refused.body.details?.[0]).toMatchObject({ field: 'identity.header', code: 'CONFLICT' });
    }
  });

  it('an update serves the next run; a masked header is kept on the same origin only; the name never changes', async () => {
    const body = { name: 'crm_ticket', description: 'Reads a CRM ticket, v3', method: 'GET', url: `${api.url}/v3/tickets/{ticketId}`, headers: { Authorization: '********' } };
    const updated = await update('crm_ticket', body);
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body).toMatchObject({ description: 'Reads a CRM ticket, v3', headers: { Authorization: '********' } });
    expect((await run('crm_ticket', { ticketId: '7' })).body.result.body).toMatchObject({ path: '/v3/tickets/7' });
    expect(lastRequest().headers.authorization).toBe(SECRET);
    expect(lastRequest().headers).not.toHaveProperty('x-team');

    const moved = await update('crm_ticket', { ...body, url: 'http://127.0.0.2:9/tickets/{ticketId}' });
    expect(moved.status).toBe(400);
    expect(moved.body.details?.[0]).toMatchObject({ field: 'headers.Authorization', code: 'MASKED_VALUE' });
    // A header named like an object's own property has no stored value to keep.
    const inherited = await update('crm_ticket', { ...body, headers: { Authorization: '********', toString: '********' } });
    expect(inherited.status).toBe(400);
    expect(inherited.body.details?.[0]).toMatchObject({ field: 'headers.toString', code: 'MASKED_VALUE' });
    const renamed = await update('crm_ticket', { ...body, name: 'crm_case' });
    expect(renamed.status).toBe(400);
    expect(renamed.body.details?.[0]).toMatchObject({ field: 'name', code: 'IMMUTABLE' });
    expect((await t.client.call<HttpTool>('getHttpTool', { headers: admin.auth, params: { id: ids.get('crm_ticket') as string } })).body.url).toBe(`${api.url}/v3/tickets/{ticketId}`);
  });

  it('runs on /ws and /mcp too; MCP clients see its hints and are told when the list changes', async () => {
    const socket = await openWs(t.baseUrl, { headers: user.auth });
    try {
      const answer = await socket.request('tools/execute', { tool: 'crm_ticket', arguments: { ticketId: 'ws-1' } });
      expect(answer.result).toMatchObject({ output: { status: 200, body: { path: '/v3/tickets/ws-1' } } });
    } finally {
      socket.close();
    }

    const client = new Client({ name: 'http-tools', version: '1.0.0' }, { capabilities: {} });
    let changed = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      changed++;
    });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${t.baseUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${user.accessToken}` } } }));
    try {
      const listed = (await client.listTools()).tools.find((tool) => tool.name === 'crm_ticket');
      expect(listed).toMatchObject({ description: 'Reads a CRM ticket, v3', annotations: { readOnlyHint: true, openWorldHint: true } });
      const called = await client.callTool({ name: 'crm_ticket', arguments: { ticketId: 'mcp-1' } });
      expect(called.isError).toBeFalsy();
      expect(JSON.stringify(called.structuredContent ?? called.content)).toContain('/v3/tickets/mcp-1');
      const failing = await client.callTool({ name: 'crm_status', arguments: { code: '500' } });
      expect(failing.isError).toBe(true);

      const stream = await client.listTools();
      expect(stream.tools.map((tool) => tool.name)).not.toContain('crm_new');
      await define({ name: 'crm_new', description: 'New', method: 'DELETE', url: `${api.url}/tickets/{ticketId}` });
      const started = Date.now();
      while (changed === 0 && Date.now() - started < 5_000) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(changed).toBeGreaterThan(0);
      const added = (await client.listTools()).tools.find((tool) => tool.name === 'crm_new');
      expect(added?.annotations).toMatchObject({ readOnlyHint: false, idempotentHint: true });
    } finally {
      await client.close();
    }
  });

  it('permissions it asks for keep it from callers without them; an admin can switch it off like any tool', async () => {
    await define({ name: 'crm_admin', description: 'Guarded', method: 'GET', url: `${api.url}/admin/{what}`, permissions: ['use:crm'] });
    expect((await t.client.call('getTool', { headers: user.auth, params: { id: 'crm_admin' } })).status).toBe(404);
    const refused = await run('crm_admin', { what: 'x' });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('use:crm');
    expect((await t.client.call('updateUserRoles', { headers: admin.auth, params: { id: user.userId }, body: { roles: ['user'], permissions: ['use:crm'] } })).status).toBe(200);
    // New roles end the old sign-in: the user signs in again, and keeps that for the tests that follow.
    user = { ...user, ...(await login(t.client, user.input)) };
    expect((await run('crm_admin', { what: 'x' })).body.status).toBe('completed');

    expect((await t.client.call('updateToolSettings', { headers: admin.auth, params: { id: 'crm_admin' }, body: { enabled: false } })).status).toBe(200);
    expect((await run('crm_admin', { what: 'x' })).status).toBe(412);
  });

  it('imports the operations of an OpenAPI document as tools: a dry run first, what cannot be sent skipped with the reason', async () => {
    const document = {
      openapi: '3.1.0',
      info: { title: 'Helpdesk', version: '1' },
      servers: [{ url: '/relative' }],
      components: { schemas: { Reply: { type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1 }, public: { type: 'boolean' } } } } },
      paths: {
        '/desk/tickets/{ticketId}': { get: { operationId: 'getDeskTicket', summary: 'Reads a helpdesk ticket', parameters: [{ name: 'ticketId', in: 'path', required: true, schema: { type: 'string' } }, { name: 'lang', in: 'query', schema: { type: 'string', enum: ['en', 'fr'] } }] } },
        '/desk/tickets/{ticketId}/replies': {
          post: {
            operationId: 'replyToTicket',
            parameters: [{ name: 'ticketId', in: 'path', required: true, schema: { type: 'string' } }, { name: 'notify', in: 'query', schema: { type: 'boolean' } }],
            requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Reply' } } } },
          },
        },
        '/desk/export': { get: { operationId: 'exportDesk', parameters: [{ name: 'X-Tenant', in: 'header', required: true, schema: { type: 'string' } }] } },
      },
    };
    const importTools = (body: Record<string, unknown>, headers: Headers = admin.auth) => t.client.call<HttpToolImportResult & Envelope>('importHttpTools', { headers, body });
    expect((await importTools({ document, baseUrl: api.url }, user.auth)).status).toBe(403);
    expect((await importTools({ document })).body.details?.[0]).toMatchObject({ field: 'baseUrl', code: 'REQUIRED' });
    expect((await importTools({ document: { openapi: '3.1.0' }, baseUrl: api.url })).body.details?.[0]).toMatchObject({ field: 'document.paths' });
    expect((await importTools({ document, baseUrl: 'ftp://example.com' })).status).toBe(400);
    expect((await importTools({ document: 'not an object', baseUrl: api.url })).status).toBe(400);

    const dry = await importTools({ document, baseUrl: api.url, prefix: 'desk', dryRun: true, headers: { authorization: SECRET } });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body.created).toEqual([]);
    expect(dry.body.planned.map((tool) => [tool.name, tool.method, tool.query])).toEqual([
      ['desk_get_desk_ticket', 'GET', []],
      ['desk_reply_to_ticket', 'POST', ['notify']],
    ]);
    expect(dry.body.skipped).toEqual([{ operation: 'exportDesk', reason: expect.stringContaining('required header parameter X-Tenant') }]);
    expect((await t.client.call('getTool', { headers: admin.auth, params: { id: 'desk_get_desk_ticket' } })).status).toBe(404);

    const made = await importTools({ document, baseUrl: api.url, prefix: 'desk', headers: { authorization: SECRET }, category: 'data', credentialScan: 'mask' });
    expect(made.body.created.map((tool) => tool.name)).toEqual(['desk_get_desk_ticket', 'desk_reply_to_ticket']);
    expect(made.body.created[0].headers).toEqual({ authorization: '********' });
    expect(made.body.created.map((tool) => tool.credentialScan)).toEqual(['mask', 'mask']);
    expect((await importTools({ document, baseUrl: api.url, credentialScan: 'strip', dryRun: true })).status).toBe(400);

    const read = await run('desk_get_desk_ticket', { ticketId: 'D-9', lang: 'fr' });
    expect(read.body.result.body).toMatchObject({ method: 'GET', path: '/desk/tickets/D-9', query: { lang: ['fr'] } });
    expect(lastRequest().headers.authorization).toBe(SECRET);
    expect((await run('desk_get_desk_ticket', { ticketId: 'D-9', lang: 'de' })).status).toBe(400);
    const replied = await run('desk_reply_to_ticket', { ticketId: 'D-9', notify: false, text: 'Done', public: true });
    expect(replied.body.result.body).toMatchObject({ method: 'POST', path: '/desk/tickets/D-9/replies', query: { notify: ['false'] }, body: { text: 'Done', public: true } });
    expect((await run('desk_reply_to_ticket', { ticketId: 'D-9', text: '' })).status).toBe(400);

    const again = await importTools({ document, baseUrl: api.url, prefix: 'desk', operationIds: ['getDeskTicket', 'noSuchOperation'] });
    expect(again.body.created).toEqual([]);
    expect(again.body.skipped).toEqual([
      { operation: 'noSuchOperation', reason: 'no operation of the document has this operationId' },
      { operation: 'getDeskTicket', reason: expect.stringContaining("A tool named 'desk_get_desk_ticket' already exists") },
    ]);
    const audits = await t.app.get(DataSource).getRepository(AuditLogEntity).find({ where: { action: 'http_tool.import' }, order: { timestamp: 'ASC' } });
    expect(audits.map((entry) => entry.details)).toEqual([
      { baseUrl: api.url, dryRun: true, created: [], planned: 2, skipped: 1 },
      { baseUrl: api.url, dryRun: false, created: ['desk_get_desk_ticket', 'desk_reply_to_ticket'], planned: 0, skipped: 1 },
      { baseUrl: api.url, dryRun: false, created: [], planned: 0, skipped: 2 },
    ]);
  });

  it('kept to organizations: only their members and admins see and run it; a deleted organization leaves its list', async () => {
    const organization = async (name: string) => (await t.client.call<{ id: string }>('createOrganization', { headers: admin.auth, body: { name } })).body.id;
    const acme = await organization('Acme HTTP');
    const beta = await organization('Beta HTTP');
    const member = await registerAndLogin(t.client);
    const outsider = await registerAndLogin(t.client);
    expect((await t.client.call('setUserOrganization', { headers: admin.auth, params: { id: member.userId }, body: { organizationId: acme } })).status).toBe(200);
    expect((await t.client.call('setUserOrganization', { headers: admin.auth, params: { id: outsider.userId }, body: { organizationId: beta } })).status).toBe(200);

    const unknown = await create({ name: 'crm_acme', description: 'Acme only', method: 'GET', url: `${api.url}/acme/{id}`, organizations: [acme, '00000000-0000-4000-8000-000000000000'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details).toEqual([{ field: 'organizations[1]', message: expect.stringContaining('no organization'), code: 'UNKNOWN_ORGANIZATION' }]);
    const kept = await define({ name: 'crm_acme', description: 'Acme only', method: 'GET', url: `${api.url}/acme/{id}`, organizations: [acme, beta] });
    expect(kept.organizations).toEqual([acme, beta]);

    const listed = async (who: LoggedInUser) => (await t.client.call<{ tools: Array<{ name: string }> }>('listTools', { headers: who.auth, query: { q: 'crm_acme' } })).body.tools.map((tool) => tool.name);
    expect(await listed(member)).toEqual(['crm_acme']);
    expect((await run('crm_acme', { id: '1' }, member.auth)).body.status).toBe('completed');
    expect(await listed(admin)).toEqual(['crm_acme']);

    expect((await t.client.call('deleteOrganization', { headers: admin.auth, params: { id: beta } })).status).toBe(204);
    expect((await t.client.call<HttpTool>('getHttpTool', { headers: admin.auth, params: { id: kept.id } })).body.organizations).toEqual([acme]);
    // The outsider was in Beta, which is gone with it: in no organization now.
    expect(await listed(outsider)).toEqual([]);
    expect((await t.client.call('getTool', { headers: outsider.auth, params: { id: 'crm_acme' } })).status).toBe(404);
    const refused = await run('crm_acme', { id: '1' }, outsider.auth);
    expect(refused.status).toBe(403);
    const mcpNames = ((await rawMcpRequest(t.baseUrl, await openRawMcpSession(t.baseUrl, outsider.accessToken), 'tools/list')).result?.tools as Array<{ name: string }>).map((tool) => tool.name);
    expect(mcpNames).not.toContain('crm_acme');

    // Emptied: admins only, never everyone.
    expect((await t.client.call('deleteOrganization', { headers: admin.auth, params: { id: acme } })).status).toBe(204);
    expect((await t.client.call<HttpTool>('getHttpTool', { headers: admin.auth, params: { id: kept.id } })).body.organizations).toEqual([]);
    expect(await listed(member)).toEqual([]);
    expect((await run('crm_acme', { id: '1' }, admin.auth)).body.status).toBe('completed');
  });

  it('is served again from the database when an instance starts', async () => {
    const registry = t.app.get(ToolRegistry);
    registry.unregister('tool_crm_ticket', 'test: as before a start');
    expect(registry.find('crm_ticket')).toBeUndefined();
    const service = t.app.get(HttpToolsService);
    service.onModuleDestroy();
    await service.onModuleInit();
    expect(registry.find('crm_ticket')?.definition).toMatchObject({ source: 'http', description: 'Reads a CRM ticket, v3' });
  });

  it("an HTTP tool whose name a newer built-in took waits, and never restricts or removes the built-in", async () => {
    const registry = t.app.get(ToolRegistry);
    const service = t.app.get(HttpToolsService);
    const created = await define({ name: 'crm_shadowed', description: 'Taken later', method: 'GET', url: `${api.url}/x`, organizations: [] });
    registry.unregister('tool_crm_shadowed', 'test: as before a start');
    registry.keepTool('tool_crm_shadowed', null);
    registry.register({ id: 'tool_crm_shadowed', name: 'crm_shadowed', description: 'A built-in of a newer release', version: '1.0.0', category: 'system', source: 'builtin', inputSchema: { type: 'object' }, permissions: ['execute:tools'], run: async () => ({ builtin: true }) });
    try {
      service.onModuleDestroy();
      await service.onModuleInit();
      expect(registry.find('crm_shadowed')?.definition.source).toBe('builtin');
      // The HTTP tool was kept to admins; the built-in is kept to nobody.
      expect((await run('crm_shadowed', {})).body.result).toEqual({ builtin: true });
      expect((await t.client.call('deleteHttpTool', { headers: admin.auth, params: { id: created.id } })).status).toBe(204);
      expect(registry.find('crm_shadowed')?.definition.source).toBe('builtin');
    } finally {
      registry.unregister('tool_crm_shadowed', 'test: cleanup');
    }
  });

  it('a deleted tool is gone from every door, and its settings with it; its runs stay in the history', async () => {
    expect((await t.client.call('updateToolSettings', { headers: admin.auth, params: { id: 'crm_ticket' }, body: { enabled: false } })).status).toBe(200);
    const answer = await t.client.call('deleteHttpTool', { headers: admin.auth, params: { id: ids.get('crm_ticket') as string } });
    expect(answer.status).toBe(204);
    expect((await t.client.call('getTool', { headers: user.auth, params: { id: 'crm_ticket' } })).status).toBe(404);
    expect((await run('crm_ticket', { ticketId: '1' })).status).toBe(404);
    const tools = (await rawMcpRequest(t.baseUrl, await openRawMcpSession(t.baseUrl, user.accessToken), 'tools/list')).result?.tools as Array<{ name: string }>;
    expect(tools.map((tool) => tool.name)).not.toContain('crm_ticket');
    expect((await t.client.call('getHttpTool', { headers: admin.auth, params: { id: ids.get('crm_ticket') as string } })).status).toBe(404);
    const history = await t.client.call<{ executions: unknown[] }>('listExecutions', { headers: user.auth, query: { toolId: 'tool_crm_ticket' } });
    expect(history.status, JSON.stringify(history.body)).toBe(200);
    expect(history.body.executions.length).toBeGreaterThan(0);
    const deleted = await t.app.get(DataSource).getRepository(AuditLogEntity).findOneBy({ action: 'http_tool.delete', resource: 'tool_crm_ticket' });
    expect(deleted).toMatchObject({ userId: admin.userId });
    // A new tool of the name starts afresh: not switched off by what was set for the one deleted.
    await define({ name: 'crm_ticket', description: 'Again', method: 'GET', url: `${api.url}/again/{ticketId}` });
    expect((await run('crm_ticket', { ticketId: '1' })).body.status).toBe('completed');
  });
});
