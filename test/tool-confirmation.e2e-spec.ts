import { AuditLogEntity } from '@app/audit';
import type { ToolExecution, UpstreamServer } from '@app/contracts';
import { type LoggedInUser, type McpTestServer, openWs, registerAndLogin, registerAndLoginAs, startMcpTestServer, until, useTestApp, type WsClient } from '@app/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string };
type CallResult = { isError?: boolean; content: Array<{ text: string }>; _meta?: { code: string } };

describe('Tools a person must allow, run by run: asked through the caller\u2019s MCP client before the gateway calls them', () => {
  const t = useTestApp();
  let admin: LoggedInUser;
  let user: LoggedInUser;
  let remote: McpTestServer;
  let serverId: string;

  const setMode = async (confirmTools: string) => {
    const saved = await t.client.call<UpstreamServer & Envelope>(serverId ? 'updateServer' : 'createServer', { headers: admin.auth, ...(serverId ? { params: { id: serverId } } : {}), body: { name: 'careful', transport: { type: 'streamable-http', url: remote.url }, confirmTools } });
    expect([200, 201]).toContain(saved.status);
    expect(saved.body.confirmTools).toBe(confirmTools);
    serverId = saved.body.id;
  };
  const rest = (tool: string, parameters: Record<string, unknown>) => t.client.call<ToolExecution & Envelope>('executeTool', { headers: user.auth, params: { id: tool }, body: { parameters } });
  const mcpSocket = async (capabilities: Record<string, unknown>): Promise<WsClient> => {
    const socket = await openWs(t.baseUrl, { headers: user.auth, protocols: ['mcp'] });
    await socket.request('initialize', { protocolVersion: '2025-11-25', capabilities, clientInfo: { name: 'careful', version: '1' } });
    return socket;
  };
  /** Calls a tool on the socket and answers the question it is asked with `answer`; resolves with the call's result and the question. */
  const callAnswering = async (socket: WsClient, tool: string, args: Record<string, unknown>, answer: Record<string, unknown>) => {
    const replied = socket.request<CallResult>('tools/call', { name: tool, arguments: args });
    const question = await until(
      () => socket.unmatched.find((message) => (message as { method?: string }).method === 'elicitation/create') as { id: number; params: { message: string; requestedSchema: unknown } } | undefined,
      (found) => found !== undefined,
    );
    socket.unmatched.length = 0;
    socket.socket.send(JSON.stringify({ jsonrpc: '2.0', id: question?.id, result: answer }));
    return { result: (await replied).result, question };
  };

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    user = await registerAndLogin(t.client);
    remote = await startMcpTestServer();
    await setMode('destructive');
  });

  afterAll(async () => {
    await remote?.close();
  });

  it('read-only tools run unasked; the others are 412 where nobody can be asked (REST, an asynchronous run)', async () => {
    expect((await rest('careful__lookup', { key: 'k' })).status).toBe(200);
    const refused = await rest('careful__echo', { message: 'hi' });
    expect(refused.status).toBe(412);
    expect(refused.body).toMatchObject({ error: 'PRECONDITION_FAILED' });
    expect(refused.body.message).toContain('elicitation');
    const asynchronous = await t.client.call<Envelope>('executeTool', { headers: user.auth, params: { id: 'careful__echo' }, body: { parameters: { message: 'hi' }, options: { async: true } } });
    expect(asynchronous.status).toBe(412);
    expect(remote.calls.get('echo')).toBeUndefined();
  });

  it("a run refused because nobody can be asked spends none of the tool's limit", async () => {
    const limited = await t.client.call<UpstreamServer & Envelope>('createServer', {
      headers: admin.auth,
      body: { name: 'limited', transport: { type: 'streamable-http', url: remote.url }, confirmTools: 'always', rateLimits: { requests: 1, window: '1m' } },
    });
    expect(limited.status).toBe(201);
    // A caller of its own, so that the other tests' counts of questions stay theirs.
    const caller = await registerAndLogin(t.client);
    const run = (options: Record<string, unknown>) => t.client.call<Envelope>('executeTool', { headers: caller.auth, params: { id: 'limited__lookup' }, body: { parameters: { key: 'k' }, options } });
    for (let n = 0; n < 3; n++) {
      expect((await run({})).status).toBe(412);
      expect((await run({ async: true })).status).toBe(412);
    }
    // Nor a client that did not declare elicitation.
    const unable = await openWs(t.baseUrl, { headers: caller.auth, protocols: ['mcp'] });
    try {
      await unable.request('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'unable', version: '1' } });
      for (let n = 0; n < 2; n++) {
        const refused = await unable.request<CallResult>('tools/call', { name: 'limited__lookup', arguments: { key: 'k' } });
        expect(refused.result).toMatchObject({ isError: true, _meta: { code: 'PRECONDITION_FAILED' } });
      }
    } finally {
      unable.close();
    }
    // The one run the limit allows is still there for a caller who can be asked.
    const socket = await openWs(t.baseUrl, { headers: caller.auth, protocols: ['mcp'] });
    try {
      await socket.request('initialize', { protocolVersion: '2025-11-25', capabilities: { elicitation: {} }, clientInfo: { name: 'limited', version: '1' } });
      const allowed = await callAnswering(socket, 'limited__lookup', { key: 'k' }, { action: 'accept', content: { allow: true } });
      expect(allowed.result?.isError).toBeFalsy();
      const second = await socket.request('tools/call', { name: 'limited__lookup', arguments: { key: 'k' } });
      expect(JSON.stringify(second)).toContain('RATE_LIMIT_EXCEEDED');
    } finally {
      socket.close();
    }
    expect((await t.client.call('deleteServer', { headers: admin.auth, params: { id: limited.body.id } })).status).toBe(204);
  });

  it('allowed through the client, the run goes ahead; declined, it never reaches the upstream; both are audited', async () => {
    const socket = await mcpSocket({ elicitation: {} });
    try {
      const allowed = await callAnswering(socket, 'careful__echo', { message: 'hi' }, { action: 'accept', content: { allow: true } });
      expect(allowed.question?.params.message).toContain("Allow the tool 'careful__echo'");
      expect(allowed.question?.params.message).toContain('"message":"hi"');
      expect(allowed.result?.content[0].text).toBe('echo: hi');
      expect(remote.calls.get('echo')).toBe(1);

      for (const answer of [{ action: 'decline' }, { action: 'accept', content: { allow: false } }, { action: 'cancel' }]) {
        const declined = await callAnswering(socket, 'careful__echo', { message: 'no' }, answer);
        expect(declined.result).toMatchObject({ isError: true, _meta: { code: 'FORBIDDEN' } });
      }
      expect(remote.calls.get('echo')).toBe(1);
    } finally {
      socket.close();
    }
    const audits = t.app.get(DataSource).getRepository(AuditLogEntity);
    const asked = await audits.find({ where: { action: 'tool.client_request', userId: user.userId }, order: { timestamp: 'ASC' } });
    expect(asked.map((entry) => [entry.result, (entry.details as { method: string; action?: string }).action])).toEqual([
      ['success', 'accept'],
      ['success', 'decline'],
      ['success', 'accept'],
      ['success', 'cancel'],
    ]);
    expect(await audits.count({ where: { action: 'tool.execute', result: 'denied', userId: user.userId } })).toBe(3);
  });

  it('the official SDK client on /mcp is asked the same way, and its answer decides', async () => {
    const client = new Client({ name: 'careful-sdk', version: '1.0.0' }, { capabilities: { elicitation: {} } });
    let allow = true;
    const asked: string[] = [];
    client.setRequestHandler(ElicitRequestSchema, (request) => {
      asked.push(request.params.message);
      return { action: 'accept', content: { allow } };
    });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${t.baseUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${user.accessToken}` } } }));
    try {
      const ran = await client.callTool({ name: 'careful__echo', arguments: { message: 'via sdk' } });
      expect((ran.content as Array<{ text: string }>)[0].text).toBe('echo: via sdk');
      allow = false;
      const refused = await client.callTool({ name: 'careful__echo', arguments: { message: 'not this' } });
      expect(refused).toMatchObject({ isError: true, _meta: { code: 'FORBIDDEN' } });
      expect(asked).toHaveLength(2);
      expect(remote.calls.get('echo')).toBe(2);
    } finally {
      await client.close();
    }
  });

  it('a client that cannot answer (no elicitation capability) is told so, and nothing runs', async () => {
    const socket = await mcpSocket({});
    try {
      const called = await socket.request<CallResult>('tools/call', { name: 'careful__echo', arguments: { message: 'hi' } });
      expect(called.result).toMatchObject({ isError: true, _meta: { code: 'PRECONDITION_FAILED' } });
      expect(called.result?.content[0].text).toContain('elicitation');
    } finally {
      socket.close();
    }
    expect(remote.calls.get('echo')).toBe(2);
  });

  it("an admin has any tool asked for, a built-in included, or lifts its server's asking for one tool", async () => {
    const settle = (id: string, requiresConfirmation: boolean | null) => t.client.call<{ requiresConfirmation: boolean } & Envelope>('updateToolSettings', { headers: admin.auth, params: { id }, body: { requiresConfirmation } });
    expect((await settle('echo', true)).body.requiresConfirmation).toBe(true);
    expect((await rest('echo', { message: 'hi' })).status).toBe(412);
    const socket = await mcpSocket({ elicitation: {} });
    try {
      const allowed = await callAnswering(socket, 'echo', { message: 'built-in' }, { action: 'accept', content: { allow: true } });
      expect(allowed.question?.params.message).toContain("Allow the tool 'echo'");
    } finally {
      socket.close();
    }
    expect((await settle('echo', null)).body.requiresConfirmation).toBe(false);
    expect((await rest('echo', { message: 'hi' })).status).toBe(200);

    // The server asks for echo (destructive); this one tool is trusted.
    expect((await settle('careful__echo', false)).body.requiresConfirmation).toBe(false);
    expect((await rest('careful__echo', { message: 'trusted' })).status).toBe(200);
    expect((await settle('careful__echo', null)).body.requiresConfirmation).toBe(true);
    expect((await rest('careful__echo', { message: 'asked again' })).status).toBe(412);
  });

  it('always asks for every tool; never asks for none', async () => {
    await setMode('always');
    expect((await rest('careful__lookup', { key: 'k' })).status).toBe(412);
    await setMode('never');
    expect((await rest('careful__echo', { message: 'hi' })).status).toBe(200);
  });
});
