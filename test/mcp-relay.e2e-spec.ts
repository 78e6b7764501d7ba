import type { AuditLogList, ToolExecution } from '@app/contracts';
import { addHttpUpstream, type LoggedInUser, type McpTestServer, openRawMcpSession, openWs, registerAndLogin, registerAndLoginAs, sseMessages, startMcpTestServer, until, useTestApp } from '@app/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type CallToolResult, type ClientCapabilities, CreateMessageRequestSchema, type CreateMessageRequest, ElicitRequestSchema, type ElicitRequest, LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface LogParams {
  level: string;
  logger?: string;
  data: unknown;
}

const textOf = (result: unknown): string => ((result as CallToolResult).content[0] as { text: string }).text;

describe('/mcp and /ws relay an upstream tool\u2019s log messages, sampling and elicitation to the caller whose call it is', () => {
  const t = useTestApp();
  let user: LoggedInUser;
  let other: LoggedInUser;
  let admin: LoggedInUser;
  let remote: McpTestServer;
  const clients: Client[] = [];

  async function connect(token: string, capabilities: ClientCapabilities): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
    const transport = new StreamableHTTPClientTransport(new URL(`${t.baseUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
    const client = new Client({ name: 'relay-e2e', version: '1.0.0' }, { capabilities });
    await client.connect(transport);
    clients.push(client);
    return { client, transport };
  }

  /** A client that answers sampling with `reply(prompt)` and records what it was asked. */
  async function samplingClient(token: string, reply: (prompt: string) => string): Promise<{ client: Client; asked: CreateMessageRequest['params'][] }> {
    const { client } = await connect(token, { sampling: {} });
    const asked: CreateMessageRequest['params'][] = [];
    client.setRequestHandler(CreateMessageRequestSchema, (request) => {
      asked.push(request.params);
      const prompt = (request.params.messages[0].content as { text: string }).text;
      return { role: 'assistant', model: 'e2e-model', content: { type: 'text', text: reply(prompt) } };
    });
    return { client, asked };
  }

  beforeAll(async () => {
    user = await registerAndLogin(t.client);
    other = await registerAndLogin(t.client);
    admin = await registerAndLoginAs(t, ['admin']);
    remote = await startMcpTestServer();
    const created = await addHttpUpstream(t.client, admin, 'relay', remote.url);
    expect(created.body.status).toBe('connected');
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await remote?.close();
  });

  it('relays sampling: the upstream\u2019s request reaches the client, and the client\u2019s answer reaches the tool', async () => {
    const { client, asked } = await samplingClient(user.accessToken, (prompt) => `an answer to "${prompt}"`);
    const result = await client.callTool({ name: 'relay__sample', arguments: { prompt: 'what is 2+2?' } });
    expect(textOf(result)).toBe('sampled: an answer to "what is 2+2?"');
    expect(asked).toEqual([expect.objectContaining({ messages: [{ role: 'user', content: { type: 'text', text: 'what is 2+2?' } }], maxTokens: 50 })]);
    const runs = await t.client.call<{ executions: ToolExecution[] }>('listToolExecutions', { headers: user.auth, params: { id: 'relay__sample' } });
    expect(runs.body.executions[0]).toMatchObject({ status: 'completed' });
  });

  it('declares sampling and elicitation to the upstream, but never roots, even for a caller that has them', async () => {
    // One upstream connection serves every user: one caller's roots must not set another's reach.
    const { client } = await connect(user.accessToken, { roots: { listChanged: true }, sampling: {} });
    const declared = JSON.parse(textOf(await client.callTool({ name: 'relay__client_capabilities', arguments: {} }))) as ClientCapabilities;
    expect(declared).toMatchObject({ sampling: {}, elicitation: { form: {}, url: {} } });
    expect(declared).not.toHaveProperty('roots');
  });

  it('relays elicitation, with the client\u2019s action and content', async () => {
    const { client } = await connect(user.accessToken, { elicitation: { form: {} } });
    const asked: ElicitRequest['params'][] = [];
    client.setRequestHandler(ElicitRequestSchema, (request) => {
      asked.push(request.params);
      return { action: 'accept', content: { name: 'Ada' } };
    });
    const result = await client.callTool({ name: 'relay__elicit', arguments: { question: 'Who are you?' } });
    expect(textOf(result)).toBe('elicited: {"action":"accept","content":{"name":"Ada"}}');
    expect(asked).toEqual([expect.objectContaining({ message: 'Who are you?', requestedSchema: expect.objectContaining({ required: ['name'] }) })]);
  });

  it('routes each request to its own caller when two users sample at the same time', async () => {
    const first = await samplingClient(user.accessToken, (prompt) => `first saw ${prompt}`);
    const second = await samplingClient(other.accessToken, (prompt) => `second saw ${prompt}`);
    const rounds = 5;
    const results = await Promise.all(
      Array.from({ length: rounds }, (_, i) => [
        first.client.callTool({ name: 'relay__sample', arguments: { prompt: `a${i}` } }),
        second.client.callTool({ name: 'relay__sample', arguments: { prompt: `b${i}` } }),
      ]).flat(),
    );
    expect(results.map(textOf)).toEqual(Array.from({ length: rounds }, (_, i) => [`sampled: first saw a${i}`, `sampled: second saw b${i}`]).flat());
    expect(first.asked.map((params) => (params.messages[0].content as { text: string }).text).sort()).toEqual(Array.from({ length: rounds }, (_, i) => `a${i}`));
    expect(second.asked.map((params) => (params.messages[0].content as { text: string }).text).sort()).toEqual(Array.from({ length: rounds }, (_, i) => `b${i}`));
  });

  it('relays log messages to the caller only, filtered by the level it set for its session', async () => {
    const { client } = await connect(user.accessToken, {});
    const received: LogParams[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => void received.push(notification.params));
    const { client: bystander } = await connect(other.accessToken, {});
    const overheard: LogParams[] = [];
    bystander.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => void overheard.push(notification.params));

    await Promise.all([client.callTool({ name: 'relay__log', arguments: { tag: 'mine' } }), bystander.callTool({ name: 'relay__log', arguments: { tag: 'theirs' } })]);
    expect(received).toEqual(['debug', 'info', 'warning', 'error'].map((level) => ({ level, logger: 'test-upstream', data: { tag: 'mine', level } })));
    expect(overheard.map((message) => (message.data as { tag: string }).tag)).toEqual(['theirs', 'theirs', 'theirs', 'theirs']);

    received.length = 0;
    await client.setLoggingLevel('warning');
    const result = await client.callTool({ name: 'relay__log', arguments: { tag: 'filtered' } });
    expect(textOf(result)).toBe('logged 4 messages for filtered');
    expect(received.map((message) => message.level)).toEqual(['warning', 'error']);
  });

  it('answers the upstream with an error when the caller cannot answer, and the tool says why', async () => {
    const { client } = await connect(user.accessToken, {});
    const refused = await client.callTool({ name: 'relay__sample', arguments: { prompt: 'anyone?' } });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/did not declare the sampling capability/);

    const { client: failing } = await connect(user.accessToken, { sampling: {} });
    failing.setRequestHandler(CreateMessageRequestSchema, () => {
      throw new Error('the user declined');
    });
    const declined = await failing.callTool({ name: 'relay__sample', arguments: { prompt: 'please' } });
    expect(declined.isError).toBe(true);
    expect(textOf(declined)).toMatch(/the user declined/);

    // Each request to a client is audited with its run and its outcome (not what was answered).
    const audited = await t.client.call<AuditLogList>('listAuditLogs', { headers: admin.auth, query: { action: 'tool.client_request', userId: user.userId } });
    const outcomes = audited.body.logs.map((log) => [log.result, log.details.method, log.details.code ?? null]);
    expect(outcomes).toEqual(expect.arrayContaining([['denied', 'sampling/createMessage', -32601], ['failure', 'sampling/createMessage', expect.any(Number)], ['success', 'sampling/createMessage', null]]));
    expect(audited.body.logs.every((log) => ['tool_relay__sample', 'tool_relay__elicit'].includes(log.resource as string) && typeof log.details.executionId === 'string')).toBe(true);
    expect(JSON.stringify(audited.body.logs)).not.toContain('please');

    // REST has no way back to its caller during a run: the upstream hears so, and the run fails.
    const rest = await t.client.call<ToolExecution>('executeTool', { headers: user.auth, params: { id: 'relay__sample' }, body: { parameters: { prompt: 'over REST' } } });
    expect(rest.body.status).toBe('failed');
    expect(JSON.stringify(rest.body.error)).toMatch(/cannot answer sampling\/createMessage/);
  });

  it('over raw HTTP: the call turns into an event stream, and only the session that was asked can answer', async () => {
    const asked = await openRawMcpSession(t.baseUrl, user.accessToken, { sampling: {} });
    const bystander = await openRawMcpSession(t.baseUrl, user.accessToken, { sampling: {} });
    const call = await fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers: asked, body: JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'relay__sample', arguments: { prompt: 'raw' } } }) });
    expect(call.headers.get('content-type')).toContain('text/event-stream');
    const messages = sseMessages(call);
    const request = (await messages.next()).value as { id: string; method: string };
    expect(request).toMatchObject({ method: 'sampling/createMessage', params: { maxTokens: 50 } });

    const answer = (result: Record<string, unknown>) => JSON.stringify({ jsonrpc: '2.0', id: request.id, result });
    const wrong = await fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers: bystander, body: answer({ role: 'assistant', model: 'm', content: { type: 'text', text: 'from the wrong session' } }) });
    expect(wrong.status).toBe(202);
    const right = await fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers: asked, body: answer({ role: 'assistant', model: 'm', content: { type: 'text', text: 'from the right one' } }) });
    expect(right.status).toBe(202);
    const response = (await messages.next()).value as { id: number; result: CallToolResult };
    expect(response.id).toBe(5);
    expect(textOf(response.result)).toBe('sampled: from the right one');
    expect((await messages.next()).done).toBe(true);

    // A call that sends nothing before its result is still answered as plain JSON.
    const plain = await fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers: asked, body: JSON.stringify({ jsonrpc: '2.0', id: 6, method: 'tools/call', params: { name: 'relay__echo', arguments: { message: 'hi' } } }) });
    expect(plain.headers.get('content-type')).toContain('application/json');
  });

  it('notifications/cancelled stops the run behind a call, upstream too, and the call gets no response', async () => {
    const cancelledUpstream = () => remote.calls.get('slow:cancelled') ?? 0;
    const latestSlowRun = async () => (await t.client.call<{ executions: ToolExecution[] }>('listToolExecutions', { headers: user.auth, params: { id: 'relay__slow' } })).body.executions[0];

    // The SDK client cancels when its signal fires.
    const { client } = await connect(user.accessToken, {});
    const before = cancelledUpstream();
    const controller = new AbortController();
    const call = client.callTool({ name: 'relay__slow', arguments: { ms: 20_000 } }, undefined, { signal: controller.signal });
    await until(() => remote.calls.get('slow') ?? 0, (count) => count >= 1);
    controller.abort('changed my mind');
    await expect(call).rejects.toThrow();
    await until(cancelledUpstream, (count) => count === before + 1);
    expect(await until(latestSlowRun, (run) => run?.status === 'failed')).toMatchObject({ status: 'failed', error: { code: 'CANCELLED', message: 'Cancelled by the caller: changed my mind' } });

    // Raw HTTP, JSON answers: the call's POST ends with 202 and no body.
    const session = { ...(await openRawMcpSession(t.baseUrl, user.accessToken)), accept: 'application/json' };
    const slow = fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers: session, body: JSON.stringify({ jsonrpc: '2.0', id: 'slow-1', method: 'tools/call', params: { name: 'relay__slow', arguments: { ms: 20_000 } } }) });
    await until(() => remote.calls.get('slow') ?? 0, (count) => count >= 2);
    const cancel = await fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers: session, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'slow-1', reason: 'raw' } }) });
    expect(cancel.status).toBe(202);
    const answered = await slow;
    expect(answered.status).toBe(202);
    expect(await answered.text()).toBe('');
    await until(cancelledUpstream, (count) => count === before + 2);

    // Another session cannot cancel it: the id is looked up in the caller's own session only.
    const otherSession = { ...(await openRawMcpSession(t.baseUrl, user.accessToken)), accept: 'application/json' };
    const kept = fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers: session, body: JSON.stringify({ jsonrpc: '2.0', id: 'slow-2', method: 'tools/call', params: { name: 'relay__slow', arguments: { ms: 300 } } }) });
    await until(() => remote.calls.get('slow') ?? 0, (count) => count >= 3);
    await fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers: otherSession, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'slow-2' } }) });
    const finished = await kept;
    expect(finished.status).toBe(200);
    expect(textOf(((await finished.json()) as { result: CallToolResult }).result)).toBe('slept 300 ms');

    // /ws: the same notification as a frame; no reply frame for the cancelled id.
    const socket = await openWs(t.baseUrl, { headers: user.auth });
    socket.socket.send(JSON.stringify({ jsonrpc: '2.0', id: 'ws-slow', method: 'tools/execute', params: { tool: 'relay__slow', arguments: { ms: 20_000 } } }));
    await until(() => remote.calls.get('slow') ?? 0, (count) => count >= 4);
    socket.socket.send(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'ws-slow', reason: 'ws' } }));
    await until(cancelledUpstream, (count) => count === before + 3);
    const pong = await socket.request('ping');
    expect(pong.result).toEqual({});
    expect(socket.unmatched.filter((message) => (message as { id?: unknown }).id === 'ws-slow')).toEqual([]);
    socket.close();
  });

  it('proxies completion/complete to the upstream that owns the prompt or the resource template', async () => {
    const { client } = await connect(user.accessToken, {});
    expect(client.getServerCapabilities()?.completions).toEqual({});
    const prompt = await client.complete({ ref: { type: 'ref/prompt', name: 'relay__greet' }, argument: { name: 'name', value: 'A' } });
    expect(prompt.completion.values).toEqual(['Ada', 'Alan']);
    const template = await client.complete({ ref: { type: 'ref/resource', uri: 'test://notes/{id}' }, argument: { name: 'id', value: '1' } });
    expect(template.completion.values).toEqual(['1', '12']);
    await expect(client.complete({ ref: { type: 'ref/prompt', name: 'nothing' }, argument: { name: 'name', value: '' } })).rejects.toThrow(/Unknown prompt/);
    // The upstream's own refusal comes back as invalid params, with its message.
    await expect(client.complete({ ref: { type: 'ref/prompt', name: 'relay__nothing' }, argument: { name: 'name', value: '' } })).rejects.toThrow(/-32602.*Prompt nothing not found/);
    await expect(client.complete({ ref: { type: 'ref/resource', uri: 'test://elsewhere/{x}' }, argument: { name: 'x', value: '' } })).rejects.toThrow(/Unknown resource template/);
  });

  it('over /ws: the request and the log messages arrive as frames, and the answer goes back as one', async () => {
    const socket = await openWs(t.baseUrl, { headers: user.auth, protocols: ['mcp'] });
    await socket.request('initialize', { protocolVersion: '2025-11-25', capabilities: { sampling: {} }, clientInfo: { name: 'ws', version: '1' } });
    const replied = socket.request('tools/call', { name: 'relay__sample', arguments: { prompt: 'over ws' } });
    const request = await until(
      () => socket.unmatched.find((message) => (message as { method?: string }).method === 'sampling/createMessage') as { id: string } | undefined,
      (found) => found !== undefined,
    );
    socket.socket.send(JSON.stringify({ jsonrpc: '2.0', id: request?.id, result: { role: 'assistant', model: 'm', content: { type: 'text', text: 'ws answer' } } }));
    const reply = await replied;
    expect(textOf(reply.result)).toBe('sampled: ws answer');

    const logged = await socket.request('tools/call', { name: 'relay__log', arguments: { tag: 'ws' } });
    expect(textOf(logged.result)).toBe('logged 4 messages for ws');
    expect(socket.unmatched.filter((message) => (message as { method?: string }).method === 'notifications/message')).toHaveLength(4);
    socket.close();
  });
});
