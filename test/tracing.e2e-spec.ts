import type { ToolExecution, UpstreamServer } from '@app/contracts';
import { type LoggedInUser, type McpTestServer, openRawMcpSession, openWs, type OtlpCollector, registerAndLogin, registerAndLoginAs, startMcpTestServer, startOtlpCollector, startTestApp, type TestApp } from '@app/testing';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SERVER_KIND = 2;
const CLIENT_KIND = 3;
const ERROR_STATUS = 2;

/** A caller's W3C trace context: a fresh trace id, the caller's span id, sampled or not. */
function callerContext(sampled = true): { traceparent: string; traceId: string; spanId: string } {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceparent: `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`, traceId, spanId };
}

describe('OpenTelemetry traces of tool runs and upstream requests (OTLP over HTTP)', () => {
  let collector: OtlpCollector;
  let remote: McpTestServer;
  let t: TestApp;
  let user: LoggedInUser;

  const run = (tool: string, parameters: Record<string, unknown>, headers: Record<string, string> = {}) =>
    t.client.call<ToolExecution & { error: string }>('executeTool', { headers: { ...user.auth, ...headers }, params: { id: tool }, body: { parameters } });

  beforeAll(async () => {
    collector = await startOtlpCollector();
    remote = await startMcpTestServer();
    t = await startTestApp({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: collector.url, OTEL_SERVICE_NAME: 'gateway-under-test', OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=k%3D1' });
    user = await registerAndLogin(t.client);
    const admin = await registerAndLoginAs(t, ['admin']);
    const created = await t.client.call<UpstreamServer>('createServer', { headers: admin.auth, body: { name: 'traced', transport: { type: 'streamable-http', url: remote.url } } });
    expect(created.body.status).toBe('connected');
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await remote?.close();
    await collector?.close();
  });

  it("continues the caller's trace: one server span per run, named as OpenTelemetry names MCP tool calls", async () => {
    const caller = callerContext();
    const answer = await run('echo', { message: 'traced' }, { traceparent: caller.traceparent });
    expect(answer.status).toBe(200);

    const span = await collector.waitForSpan((candidate) => candidate.traceId === caller.traceId);
    expect(span).toMatchObject({ name: 'tools/call echo', kind: SERVER_KIND, parentSpanId: caller.spanId, statusCode: 0 });
    expect(span.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'echo',
      'enduser.id': user.userId,
      'secure_mcp.execution.id': answer.body.executionId,
      'secure_mcp.execution.status': 'completed',
    });
    expect(span.resource).toMatchObject({ 'service.name': 'gateway-under-test' });
    // The configured headers go with every export, decoded.
    expect(span.headers['x-collector-key']).toBe('k=1');
  });

  it('starts a trace of its own without a valid traceparent, and records refusals and failed runs as errors', async () => {
    const garbage = `00-${'0'.repeat(32)}-${'1'.repeat(16)}-01`;
    const before = new Set(collector.spans.map((span) => span.spanId));
    for (const traceparent of [garbage, 'not a trace context', `01-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`]) {
      const answer = await run('echo', { message: 'untraced caller' }, { traceparent });
      expect(answer.status).toBe(200);
      const span = await collector.waitForSpan((candidate) => candidate.attributes['secure_mcp.execution.id'] === answer.body.executionId);
      expect(span.parentSpanId).toBe('');
      expect(before.has(span.spanId)).toBe(false);
    }

    const refused = callerContext();
    expect((await run('echo', { message: 42 }, { traceparent: refused.traceparent })).status).toBe(400);
    const refusal = await collector.waitForSpan((candidate) => candidate.traceId === refused.traceId);
    expect(refusal).toMatchObject({ name: 'tools/call echo', statusCode: ERROR_STATUS, attributes: expect.objectContaining({ 'error.type': 'VALIDATION_ERROR' }) });

    const failing = callerContext();
    const failed = await run('traced__fail', {}, { traceparent: failing.traceparent });
    expect(failed.body.status).toBe('failed');
    const failure = await collector.waitForSpan((candidate) => candidate.traceId === failing.traceId && candidate.kind === SERVER_KIND);
    expect(failure).toMatchObject({ statusCode: ERROR_STATUS, attributes: expect.objectContaining({ 'error.type': 'UPSTREAM_TOOL_ERROR', 'secure_mcp.upstream.name': 'traced' }) });
    // The upstream's answer was an error result: its client span says so.
    const request = await collector.waitForSpan((candidate) => candidate.traceId === failing.traceId && candidate.kind === CLIENT_KIND);
    expect(request).toMatchObject({ name: 'tools/call fail', parentSpanId: failure.spanId, statusCode: ERROR_STATUS, attributes: expect.objectContaining({ 'error.type': 'tool_error' }) });
  });

  it('hands the run on to an upstream server through a client span: its traceparent header and _meta name that span as parent', async () => {
    const caller = callerContext();
    const answer = await run('traced__call_meta', {}, { traceparent: caller.traceparent });
    expect(answer.status).toBe(200);
    const span = await collector.waitForSpan((candidate) => candidate.traceId === caller.traceId && candidate.kind === SERVER_KIND);
    const request = await collector.waitForSpan((candidate) => candidate.traceId === caller.traceId && candidate.parentSpanId === span.spanId);
    expect(request).toMatchObject({ name: 'tools/call call_meta', kind: CLIENT_KIND, statusCode: 0 });
    expect(request.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'call_meta',
      'secure_mcp.upstream.name': 'traced',
      'network.transport': 'tcp',
      'server.address': new URL(remote.url).hostname,
      'server.port': Number(new URL(remote.url).port),
    });
    const expected = `00-${caller.traceId}-${request.spanId}-01`;
    expect(answer.body.result).toMatchObject({ structuredContent: { traceparent: expected } });
    expect(remote.lastTraceparent()).toBe(expected);
  });

  it('traces resources/read, prompts/get and completion/complete over /mcp, and what each asks the upstream', async () => {
    const headers = await openRawMcpSession(t.baseUrl, user.accessToken);
    const ask = async (method: string, params: Record<string, unknown>): Promise<{ result?: Record<string, unknown>; error?: { code: number } }> => {
      const response = await fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
      const text = await response.text();
      return JSON.parse((response.headers.get('content-type') ?? '').includes('event-stream') ? (/^data: (.*)$/m.exec(text)?.[1] ?? 'null') : text) as { result?: Record<string, unknown> };
    };
    const cases = [
      { method: 'resources/read', params: { uri: 'test://note' }, served: 'resources/read', sent: 'resources/read', attributes: { 'mcp.resource.uri': 'test://note' } },
      { method: 'prompts/get', params: { name: 'traced__greet', arguments: { name: 'Ada' } }, served: 'prompts/get traced__greet', sent: 'prompts/get greet', attributes: { 'gen_ai.prompt.name': 'greet' } },
      { method: 'completion/complete', params: { ref: { type: 'ref/prompt', name: 'traced__greet' }, argument: { name: 'name', value: 'A' } }, served: 'completion/complete', sent: 'completion/complete', attributes: {} },
    ];
    for (const { method, params, served, sent, attributes } of cases) {
      const caller = callerContext();
      const answer = await ask(method, { ...params, _meta: { traceparent: caller.traceparent } });
      expect(answer.error).toBeUndefined();
      const server = await collector.waitForSpan((candidate) => candidate.traceId === caller.traceId && candidate.kind === SERVER_KIND);
      expect(server).toMatchObject({ name: served, parentSpanId: caller.spanId, statusCode: 0, attributes: expect.objectContaining({ 'mcp.method.name': method, 'enduser.id': user.userId, 'session.id': headers['mcp-session-id'] }) });
      const client = await collector.waitForSpan((candidate) => candidate.traceId === caller.traceId && candidate.parentSpanId === server.spanId);
      expect(client).toMatchObject({ name: sent, kind: CLIENT_KIND, statusCode: 0, attributes: expect.objectContaining({ 'mcp.method.name': method, 'secure_mcp.upstream.name': 'traced', ...attributes }) });
      // The upstream continues the client span, from _meta and from the header alike.
      expect(remote.lastMeta(method)).toEqual({ traceparent: `00-${caller.traceId}-${client.spanId}-01` });
      expect(remote.lastTraceparent()).toBe(`00-${caller.traceId}-${client.spanId}-01`);
    }

    // A resource the upstream fails to read: both spans are errors, with the JSON-RPC code the caller got.
    const failing = callerContext();
    const refused = await ask('resources/read', { uri: 'test://broken', _meta: { traceparent: failing.traceparent } });
    expect(refused.error?.code).toBe(-32052);
    const server = await collector.waitForSpan((candidate) => candidate.traceId === failing.traceId && candidate.kind === SERVER_KIND);
    expect(server).toMatchObject({ statusCode: ERROR_STATUS, attributes: expect.objectContaining({ 'error.type': 'BAD_GATEWAY', 'rpc.response.status_code': '-32052' }) });
    const client = await collector.waitForSpan((candidate) => candidate.traceId === failing.traceId && candidate.kind === CLIENT_KIND);
    expect(client).toMatchObject({ parentSpanId: server.spanId, statusCode: ERROR_STATUS, attributes: expect.objectContaining({ 'error.type': '-32603', 'rpc.response.status_code': '-32603' }) });

    // Without a trace context of its own, the request starts a trace.
    expect((await ask('resources/read', { uri: 'test://note' })).error).toBeUndefined();
    expect(remote.lastMeta('resources/read')?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('traces an async run under its acceptance: the run that follows is the child of the span that accepted it', async () => {
    const caller = callerContext();
    const accepted = await t.client.call<{ executionId: string; status: string }>('executeTool', {
      headers: { ...user.auth, traceparent: caller.traceparent },
      params: { id: 'traced__call_meta' },
      body: { parameters: {}, options: { async: true } },
    });
    expect(accepted.status).toBe(202);
    const acceptance = await collector.waitForSpan((candidate) => candidate.traceId === caller.traceId && candidate.parentSpanId === caller.spanId);
    const run = await collector.waitForSpan((candidate) => candidate.traceId === caller.traceId && candidate.parentSpanId === acceptance.spanId);
    expect(run).toMatchObject({ name: 'tools/call traced__call_meta', attributes: expect.objectContaining({ 'secure_mcp.execution.id': accepted.body.executionId, 'secure_mcp.execution.async': true, 'secure_mcp.execution.status': 'completed' }) });
    expect(acceptance.attributes['secure_mcp.execution.status']).toBe('pending');
    const request = await collector.waitForSpan((candidate) => candidate.traceId === caller.traceId && candidate.parentSpanId === run.spanId);
    expect(request.kind).toBe(CLIENT_KIND);
    expect(remote.lastTraceparent()).toBe(`00-${caller.traceId}-${request.spanId}-01`);
  });

  it('takes the trace context of an MCP request from _meta.traceparent, over /mcp and over /ws', async () => {
    const overMcp = callerContext();
    const headers = await openRawMcpSession(t.baseUrl, user.accessToken);
    const call = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { message: 'over mcp' }, _meta: { traceparent: overMcp.traceparent } } };
    expect((await fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers, body: JSON.stringify(call) })).status).toBe(200);
    expect(await collector.waitForSpan((candidate) => candidate.traceId === overMcp.traceId)).toMatchObject({ parentSpanId: overMcp.spanId, attributes: expect.objectContaining({ 'session.id': headers['mcp-session-id'] }) });

    // The header of the HTTP request counts when the message names none.
    const byHeader = callerContext();
    const plainCall = { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { message: 'by header' } } };
    expect((await fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers: { ...headers, traceparent: byHeader.traceparent }, body: JSON.stringify(plainCall) })).status).toBe(200);
    expect((await collector.waitForSpan((candidate) => candidate.traceId === byHeader.traceId)).parentSpanId).toBe(byHeader.spanId);

    const overWs = callerContext();
    const socket = await openWs(t.baseUrl, { headers: user.auth });
    try {
      const answer = await socket.request('tools/execute', { tool: 'echo', arguments: { message: 'over ws' }, _meta: { traceparent: overWs.traceparent } });
      expect(answer.error).toBeUndefined();
      expect((await collector.waitForSpan((candidate) => candidate.traceId === overWs.traceId)).parentSpanId).toBe(overWs.spanId);
    } finally {
      socket.close();
    }
  });

  it("follows a caller that sampled its trace out: nothing is exported, and the upstream hears it was not sampled", async () => {
    const unsampled = callerContext(false);
    const answer = await run('traced__call_meta', {}, { traceparent: unsampled.traceparent });
    expect(answer.status).toBe(200);
    const forwarded = remote.lastTraceparent() as string;
    expect(forwarded).toMatch(new RegExp(`^00-${unsampled.traceId}-[0-9a-f]{16}-00$`));

    // Spans leave in the order they end: once a later run's span is in, the unsampled one would be too.
    const later = callerContext();
    await run('echo', { message: 'after' }, { traceparent: later.traceparent });
    await collector.waitForSpan((candidate) => candidate.traceId === later.traceId);
    expect(collector.spans.filter((span) => span.traceId === unsampled.traceId)).toEqual([]);
  });
});

describe('traces when the collector is down', () => {
  it('tool runs go on as if nothing were traced: spans that cannot be sent are dropped, and shutdown does not wait for them', async () => {
    const collector = await startOtlpCollector();
    const unreachable = collector.url;
    await collector.close();
    const t = await startTestApp({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: unreachable });
    try {
      const user = await registerAndLogin(t.client);
      const run = () => t.client.call<ToolExecution>('executeTool', { headers: { ...user.auth, traceparent: callerContext().traceparent }, params: { id: 'echo' }, body: { parameters: { message: 'nobody listens' } } });
      expect((await run()).status).toBe(200);
      // Past an export attempt (one every half second), the app still answers and runs tools.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect((await run()).body.status).toBe('completed');
      expect((await fetch(`${t.baseUrl}/ready`)).status).toBe(200);
    } finally {
      // The spans still queued are given up after 2 s, not the exporter's 10 s per attempt.
      const closing = Date.now();
      await t.close();
      expect(Date.now() - closing).toBeLessThan(6_000);
    }
  });
});
