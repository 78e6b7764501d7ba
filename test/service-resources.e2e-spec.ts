import { AuditLogEntity } from '@app/audit';
import type { CreatedApiKey, McpPromptList, McpPromptMessages, McpResourceContents, McpResourceList, UpstreamServer } from '@app/contracts';
import { addHttpUpstream, type LoggedInUser, type McpTestServer, openRawMcpSession, rawMcpRequest, registerAndLogin, registerAndLoginAs, startMcpTestServer, useTestApp } from '@app/testing';
import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; message: string; code: string }> };
type Headers = Record<string, string>;

describe("REST reads of a service's resources and prompts (the seeds' \"Fetch MCP Resource\"), as the caller's runs reach it", () => {
  const t = useTestApp();
  let admin: LoggedInUser;
  let user: LoggedInUser;
  let remote: McpTestServer;
  let personal: McpTestServer;
  let notesId: string;
  let personalId: string;

  const resources = (headers: Headers, serviceId = notesId) => t.client.call<McpResourceList & Envelope>('listMcpServiceResources', { headers, params: { serviceId } });
  const read = (headers: Headers, uri: unknown, serviceId = notesId) => t.client.call<McpResourceContents & Envelope>('readMcpServiceResource', { headers, params: { serviceId }, body: { uri } });
  const prompts = (headers: Headers, serviceId = notesId) => t.client.call<McpPromptList & Envelope>('listMcpServicePrompts', { headers, params: { serviceId } });
  const prompt = (headers: Headers, body: Record<string, unknown>, serviceId = notesId) => t.client.call<McpPromptMessages & Envelope>('getMcpServicePrompt', { headers, params: { serviceId }, body });

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    user = await registerAndLogin(t.client);
    [remote, personal] = await Promise.all([startMcpTestServer(), startMcpTestServer()]);
    const notes = await addHttpUpstream(t.client, admin, 'notes', remote.url);
    expect(notes.body.status).toBe('connected');
    notesId = notes.body.id;
    personal.requireAuthorization(['Bearer discovery', 'Bearer mine']);
    const userConfig = { schema: { type: 'object', properties: { token: { type: 'string' } }, required: ['token'] }, headers: { Authorization: 'Bearer {{token}}' } };
    const created = await t.client.call<UpstreamServer>('createServer', { headers: admin.auth, body: { name: 'personal', transport: { type: 'streamable-http', url: personal.url, headers: { Authorization: 'Bearer discovery' } }, userConfig } });
    expect(created.status).toBe(201);
    personalId = created.body.id;
  });

  afterAll(async () => {
    await Promise.all([remote?.close(), personal?.close()]);
  });

  const audited = (action: string) => t.app.get(DataSource).getRepository(AuditLogEntity).find({ where: { action, userId: user.userId }, order: { timestamp: 'ASC' } });

  it('lists the resources, templates and prompts of one service, and reads them as the MCP door does', async () => {
    const listed = await resources(user.auth);
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect(listed.body.resources.map((resource) => resource.uri).sort()).toEqual(['test://broken', 'test://note']);
    expect(listed.body.resourceTemplates).toEqual([expect.objectContaining({ uriTemplate: 'test://notes/{id}', name: 'notes' })]);

    expect((await read(user.auth, 'test://note')).body).toEqual({ contents: [{ uri: 'test://note', text: 'a note' }] });
    expect((await read(user.auth, 'test://notes/42')).body.contents).toEqual([{ uri: 'test://notes/42', text: 'note 42' }]);

    const listedPrompts = await prompts(user.auth);
    expect(listedPrompts.status).toBe(200);
    expect(listedPrompts.body.prompts).toEqual([expect.objectContaining({ name: 'greet', description: 'Greets someone' })]);
    const greeting = await prompt(user.auth, { name: 'greet', arguments: { name: 'Ada' } });
    expect(greeting.status, JSON.stringify(greeting.body)).toBe(200);
    expect(greeting.body.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Greet Ada' } }]);
  });

  it('answers what it cannot serve with the envelope: unknown URIs and prompts 404, upstream failures 502, bad input (ours or the upstream\'s verdict) 400', async () => {
    expect((await read(user.auth, 'test://nowhere')).status).toBe(404);
    const broken = await read(user.auth, 'test://broken');
    expect(broken.status).toBe(502);
    expect(broken.body.message).toContain('the disk is on fire');
    expect((await prompt(user.auth, { name: 'nope' })).status).toBe(404);
    // Arguments the upstream refuses are the caller's bad input, with the upstream's reason.
    const unfilled = await prompt(user.auth, { name: 'greet', arguments: {} });
    expect(unfilled.status).toBe(400);
    expect(unfilled.body.error).toBe('VALIDATION_ERROR');
    for (const body of [{}, { uri: '' }, { uri: 'x'.repeat(4097) }, { uri: 42 }, { uri: 'test://note', extra: 1 }]) expect((await t.client.call<Envelope>('readMcpServiceResource', { headers: user.auth, params: { serviceId: notesId }, body })).status).toBe(400);
    for (const body of [{ name: '' }, { name: 'greet', arguments: { name: 7 } }, { name: 'greet', arguments: 'Ada' }]) expect((await prompt(user.auth, body)).status).toBe(400);
    expect((await resources(user.auth, randomUUID())).status).toBe(404);
    expect((await resources(user.auth, 'not-a-uuid')).status).toBe(400);
    expect((await resources({})).status).toBe(401);
  });

  it('needs execute:tools, as upstream tools do', async () => {
    const key = await t.client.call<CreatedApiKey>('createApiKey', { headers: user.auth, body: { name: 'read only', scopes: ['read:tools'] } });
    const readOnly = { authorization: `ApiKey ${key.body.key}` };
    expect((await resources(readOnly)).status).toBe(403);
    expect((await read(readOnly, 'test://note')).status).toBe(403);
  });

  it("a service that acts as each user answers only with the caller's configuration", async () => {
    const refused = await resources(user.auth, personalId);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('MCP_SERVICE_UNCONFIGURED');
    expect((await read(user.auth, 'test://note', personalId)).body.error).toBe('MCP_SERVICE_UNCONFIGURED');
    expect((await t.client.call('configureMcpService', { headers: user.auth, params: { serviceId: personalId }, body: { config: { token: 'mine' } } })).status).toBe(200);
    expect((await read(user.auth, 'test://note', personalId)).body.contents).toEqual([{ uri: 'test://note', text: 'a note' }]);
  });

  it('a service that is not connected is a 503 saying so', async () => {
    expect((await t.client.call('disconnectServer', { headers: admin.auth, params: { id: notesId } })).status).toBe(200);
    const down = await resources(user.auth);
    expect(down.status).toBe(503);
    expect(down.body.error).toBe('SERVICE_UNAVAILABLE');
    // Which unavailability, without reading the message.
    expect((down.body as { details?: unknown }).details).toEqual([{ field: 'server', message: 'notes', code: 'SERVER_DISCONNECTED' }]);
    expect((await t.client.call<UpstreamServer>('connectServer', { headers: admin.auth, params: { id: notesId } })).body.status).toBe('connected');
    expect((await read(user.auth, 'test://note')).status).toBe(200);
  });

  it('every resource read and prompt filled is audited, on the REST and MCP doors alike: who, what, from which server, the outcome', async () => {
    const reads = await audited('upstream.resource.read');
    expect(reads.filter((entry) => entry.result === 'success').map((entry) => entry.details)).toEqual(
      expect.arrayContaining([{ server: 'notes', uri: 'test://note' }, { server: 'notes', uri: 'test://notes/42' }]),
    );
    expect(reads.find((entry) => entry.result === 'failure')).toMatchObject({ resource: `upstream:${notesId}`, details: { server: 'notes', uri: 'test://broken', error: expect.stringContaining('the disk is on fire') } });
    // Nothing was read at an unknown URI: nothing to audit.
    expect(reads.some((entry) => (entry.details as { uri: string }).uri === 'test://nowhere')).toBe(false);
    expect((await audited('upstream.prompt.get')).map((entry) => [entry.result, entry.details])).toEqual(
      expect.arrayContaining([['success', { server: 'notes', prompt: 'greet' }], ['failure', expect.objectContaining({ prompt: 'greet' })]]),
    );

    const headers = await openRawMcpSession(t.baseUrl, user.accessToken);
    expect((await rawMcpRequest(t.baseUrl, headers, 'resources/read', { uri: 'test://notes/7' })).result?.contents).toHaveLength(1);
    const viaMcp = (await audited('upstream.resource.read')).find((entry) => (entry.details as { uri: string }).uri === 'test://notes/7');
    expect(viaMcp).toMatchObject({ result: 'success', sessionId: headers['mcp-session-id'] });
  });
});
