import { AuditLogEntity } from '@app/audit';
import type { AcceptedExecution, Tool, ToolCategoryList, ToolExecution, ToolExecutionList, ToolList } from '@app/contracts';
import { type EventEnvelope, EventBus } from '@app/events';
import { type LoggedInUser, metricValue, registerAndLogin, registerAndLoginAs, until, useTestApp } from '@app/testing';
import { ToolRegistry } from '@app/tools';
import { DataSource } from 'typeorm';
import { beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; code: string; message: string }> };


describe('tools: registry and execution engine', () => {
  const t = useTestApp();
  let user: LoggedInUser;
  let developer: LoggedInUser;
  let admin: LoggedInUser;
  const executed: Array<EventEnvelope<'tool.executed'>> = [];

  beforeAll(async () => {
    user = await registerAndLogin(t.client);
    developer = await registerAndLoginAs(t, ['developer']);
    admin = await registerAndLoginAs(t, ['admin']);
    t.app.get(EventBus).on('tool.executed', (event) => void executed.push(event));
  });

  const run = (auth: Record<string, string>, tool: string, body: Record<string, unknown>) => t.client.call<ToolExecution & AcceptedExecution & Envelope>('executeTool', { headers: auth, params: { id: tool }, body });

  describe('GET /tools', () => {
    it('lists what the caller may run: users see echo and system_info, developers the filesystem and http too, admins all', async () => {
      const names = async (auth: Record<string, string>) => (await t.client.call<ToolList>('listTools', { headers: auth })).body.tools.map((tool) => tool.name);
      expect(await names(user.auth)).toEqual(['echo', 'system_info']);
      expect(await names(developer.auth)).toEqual(['echo', 'filesystem', 'http_request', 'system_info']);
      expect(await names(admin.auth)).toEqual(['echo', 'filesystem', 'http_request', 'system_info']);
    });

    it('counts the tools of each category that the caller may run', async () => {
      const categories = async (auth: Record<string, string>) => (await t.client.call<ToolCategoryList>('listToolCategories', { headers: auth })).body.categories;
      expect(await categories(user.auth)).toEqual([
        { name: 'system', count: 1, enabled: 1 },
        { name: 'data', count: 0, enabled: 0 },
        { name: 'analytics', count: 0, enabled: 0 },
        { name: 'monitoring', count: 1, enabled: 1 },
      ]);
      const mine = new Map((await categories(developer.auth)).map((category) => [category.name, category.count]));
      const all = (await t.client.call<ToolList>('listTools', { headers: developer.auth, query: { limit: 100 } })).body.tools;
      for (const name of ['system', 'data', 'analytics', 'monitoring'] as const) expect(mine.get(name), name).toBe(all.filter((tool) => tool.category === name).length);
      expect((await t.client.call('listToolCategories')).status).toBe(401);
    });

    it('filters by category, enabled and q, and paginates', async () => {
      const call = (query: Record<string, string | number | boolean>) => t.client.call<ToolList>('listTools', { headers: admin.auth, query });
      expect((await call({ category: 'monitoring' })).body.tools.map((tool) => tool.name)).toEqual(['system_info']);
      expect((await call({ q: 'SANDBOX' })).body.tools.map((tool) => tool.name)).toEqual(['filesystem']);
      expect((await call({ enabled: false })).body.tools).toEqual([]);
      const page = await call({ page: 2, limit: 3 });
      expect(page.body.pagination).toEqual({ page: 2, limit: 3, total: 4, pages: 2 });
      expect(page.body.tools.map((tool) => tool.name)).toEqual(['system_info']);
      const bads: Array<Record<string, string | number | boolean>> = [{ limit: 101 }, { page: 0 }, { category: 'nope' }, { enabled: 'yes' }, { limit: 'ten' }];
      for (const bad of bads) {
        expect((await call(bad)).status, JSON.stringify(bad)).toBe(400);
      }
    });

    it('answers the seed shape for a tool, by id or by name, with real statistics', async () => {
      const byName = await t.client.call<Tool>('getTool', { headers: developer.auth, params: { id: 'filesystem' } });
      const byId = await t.client.call<Tool>('getTool', { headers: developer.auth, params: { id: 'tool_filesystem' } });
      expect(byId.body).toEqual(byName.body);
      expect(byName.body).toMatchObject({ id: 'tool_filesystem', name: 'filesystem', category: 'system', enabled: true, source: 'builtin', permissions: ['execute:tools', 'filesystem:read', 'filesystem:write'], rateLimit: { requests: 100, window: '1m' } });
      expect(byName.body.schema.input).toMatchObject({ required: ['operation', 'path'] });
      expect(byName.body.examples?.[0]).toMatchObject({ name: 'Read file', input: { operation: 'read', path: '/home/user/document.txt' } });
      expect(byName.body.statistics).toEqual({ totalExecutions: expect.any(Number), successRate: expect.any(Number), averageLatency: expect.any(Number), lastExecuted: expect.toSatisfy((v) => v === null || typeof v === 'string') });
      // A tool the caller may not run is answered like a missing one.
      expect((await t.client.call('getTool', { headers: user.auth, params: { id: 'filesystem' } })).status).toBe(404);
      expect((await t.client.call('getTool', { headers: user.auth, params: { id: 'no_such_tool' } })).status).toBe(404);
    });
  });

  describe('POST /tools/{id}/execute', () => {
    it('runs the seed example as written (filesystem read) after writing the file', async () => {
      const write = await run(developer.auth, 'filesystem', { parameters: { operation: 'write', path: '/home/user/document.txt', content: 'File contents here...' } });
      expect(write.body.status).toBe('completed');
      const read = await run(developer.auth, 'filesystem', {
        parameters: { operation: 'read', path: '/home/user/document.txt' },
        context: { sessionId: 'session_123', requestId: 'req_abc123' },
        options: { timeout: 30000, async: false },
      });
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({
        toolId: 'tool_filesystem',
        status: 'completed',
        result: { success: true, data: 'File contents here...', metadata: { size: 21, mimeType: 'text/plain', encoding: 'utf8' } },
        metrics: { duration: expect.any(Number), memoryUsed: expect.any(Number) },
      });
      expect(Date.parse(read.body.metrics?.endTime as string)).toBeGreaterThanOrEqual(Date.parse(read.body.metrics?.startTime as string));
    });

    it('reports a failure inside the tool as a failed run (200), and counts it', async () => {
      const missing = await run(developer.auth, 'filesystem', { parameters: { operation: 'read', path: '/does/not/exist.txt' } });
      expect(missing.status).toBe(200);
      expect(missing.body).toMatchObject({ status: 'failed', error: { code: 'NOT_FOUND' } });
    });

    it('validates parameters against the input schema: one detail per problem', async () => {
      const response = await run(developer.auth, 'filesystem', { parameters: { operation: 'move', path: 7, extra: true } });
      expect(response.status).toBe(400);
      expect(response.body.details?.map((detail) => [detail.field, detail.code]).sort()).toEqual([
        ['extra', 'UNKNOWN_FIELD'],
        ['operation', 'INVALID_VALUE'],
        ['path', 'INVALID_TYPE'],
      ]);
      const missing = await run(developer.auth, 'filesystem', { parameters: {} });
      expect(missing.body.details?.map((detail) => detail.field).sort()).toEqual(['operation', 'path']);
      expect((await run(developer.auth, 'echo', { parameters: 'text' })).status).toBe(400);
      expect((await run(developer.auth, 'echo', { parameters: {}, options: { timeout: 0 } })).status).toBe(400);
      expect((await run(developer.auth, 'echo', { parameters: {}, unknown: 1 })).status).toBe(400);
    });

    it('requires the tool permissions, per operation where the tool says so', async () => {
      expect((await run(user.auth, 'filesystem', { parameters: { operation: 'read', path: '/x' } })).status).toBe(403);
      const reader = await registerAndLogin(t.client);
      await t.app.get(DataSource).query(`UPDATE users SET permissions = '{filesystem:read}' WHERE id = $1`, [reader.userId]);
      const { accessToken } = (await t.client.call<{ accessToken: string }>('loginUser', { body: { email: reader.input.email, password: reader.input.password } })).body;
      const readerAuth = { authorization: `Bearer ${accessToken}` };
      expect((await run(readerAuth, 'filesystem', { parameters: { operation: 'list', path: '/' } })).status).toBe(200);
      const write = await run(readerAuth, 'filesystem', { parameters: { operation: 'write', path: '/x.txt', content: 'x' } });
      expect(write.status).toBe(403);
      expect(write.body.message).toContain('filesystem:write');
      const denied = await t.app.get(DataSource).getRepository(AuditLogEntity).findOneBy({ action: 'tool.execute', result: 'denied', userId: reader.userId });
      expect(denied?.details).toMatchObject({ missing: ['filesystem:write'] });
    });

    it('answers 404 for an unknown tool and 412 for a disabled one', async () => {
      expect((await run(admin.auth, 'nope', { parameters: {} })).status).toBe(404);
      const registry = t.app.get(ToolRegistry);
      registry.resolve('system_info').enabled = false;
      try {
        const response = await run(admin.auth, 'system_info', { parameters: {} });
        expect(response.status).toBe(412);
        expect(response.body.error).toBe('PRECONDITION_FAILED');
      } finally {
        registry.resolve('system_info').enabled = true;
      }
    });

    it('times out with 504 and really cancels the run', async () => {
      const started = Date.now();
      const response = await run(user.auth, 'echo', { parameters: { message: 'late', delayMs: 10_000 }, options: { timeout: 150 } });
      expect(response.status).toBe(504);
      expect(response.body.error).toBe('TIMEOUT');
      expect(Date.now() - started).toBeLessThan(3_000);
      const history = await t.client.call<ToolExecutionList>('listToolExecutions', { headers: user.auth, params: { id: 'echo' }, query: { status: 'failed' } });
      expect(history.body.executions[0]).toMatchObject({ status: 'failed', error: { code: 'TIMEOUT' } });
    });

    it('caps the timeout by configuration', async () => {
      const response = await run(user.auth, 'echo', { parameters: { message: 'x' }, options: { timeout: 3_600_000 } });
      expect(response.status).toBe(200);
      const [row] = await t.app.get(DataSource).query('SELECT timeout_ms FROM tool_executions WHERE id = $1', [response.body.executionId]);
      expect(row.timeout_ms).toBe(t.config.tools.maxTimeoutMs);
    });

    it('runs async: 202, then pending|running -> completed; only the owner and admins see it', async () => {
      const accepted = await run(user.auth, 'echo', { parameters: { message: 'background', delayMs: 200 }, options: { async: true } });
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
      expect(accepted.body).toEqual({ executionId: expect.any(String), toolId: 'tool_echo', status: 'pending' });
      const id = accepted.body.executionId;
      const done = await until(
        () => t.client.call<ToolExecution>('getToolExecution', { headers: user.auth, params: { executionId: id } }),
        (response) => response.body.status === 'completed',
      );
      expect(done.body.result).toEqual({ message: 'background', delayMs: 200 });
      expect((await t.client.call('getToolExecution', { headers: admin.auth, params: { executionId: id } })).status).toBe(200);
      expect((await t.client.call('getToolExecution', { headers: developer.auth, params: { executionId: id } })).status).toBe(404);
      expect((await t.client.call('getToolExecution', { headers: user.auth, params: { executionId: '00000000-0000-4000-8000-000000000000' } })).status).toBe(404);
      const failing = await run(developer.auth, 'echo', { parameters: { delayMs: 5_000 }, options: { async: true, timeout: 100 } });
      await until(() => t.client.call<ToolExecution>('getToolExecution', { headers: developer.auth, params: { executionId: failing.body.executionId } }), (response) => response.body.status === 'failed');
    });

    it('records, audits (secrets redacted), publishes and counts every run', async () => {
      const response = await run(user.auth, 'echo', { parameters: { message: 'audited', secret: 'do-not-store', data: { apiKey: 'k-123', plain: 1 } } });
      expect(response.body.result).toEqual({ message: 'audited', data: { apiKey: 'k-123', plain: 1 } });
      const id = response.body.executionId;
      const [row] = await t.app.get(DataSource).query('SELECT parameters, result FROM tool_executions WHERE id = $1', [id]);
      expect(JSON.stringify(row)).not.toContain('do-not-store');
      expect(row.parameters).toMatchObject({ secret: '[REDACTED]', data: { apiKey: '[REDACTED]', plain: 1 } });
      // The history shows the run's parameters as stored: the answer to the call does not repeat them.
      expect(response.body).not.toHaveProperty('parameters');
      const read = await t.client.call<ToolExecution>('getToolExecution', { headers: user.auth, params: { executionId: id } });
      expect(read.body.parameters).toEqual({ message: 'audited', secret: '[REDACTED]', data: { apiKey: '[REDACTED]', plain: 1 } });
      const audit = await t.app.get(DataSource).getRepository(AuditLogEntity).findOneBy({ action: 'tool.execute', resource: 'tool_echo', result: 'success', userId: user.userId });
      expect(audit).not.toBeNull();
      const audits = await t.app.get(DataSource).query(`SELECT details FROM audit_logs WHERE details->>'executionId' = $1`, [id]);
      expect(audits).toHaveLength(1);
      expect(JSON.stringify(audits[0].details)).not.toContain('do-not-store');
      await until(async () => executed.find((event) => event.payload.executionId === id), (event) => event !== undefined);
      expect(executed.find((event) => event.payload.executionId === id)?.payload).toMatchObject({ toolId: 'tool_echo', toolName: 'echo', userId: user.userId, status: 'completed' });
      expect((await run(user.auth, 'echo', { parameters: { delayMs: 120 } })).status).toBe(200);
      const metrics = await t.client.call('getMetrics');
      expect(metrics.text).toMatch(/mcp_tool_executions_total\{tool="echo",status="success"\} \d+/);
      expect(metrics.text).toMatch(/mcp_tool_executions_total\{tool="echo",status="error"\} \d+/);
      // Every run is timed too, in as many observations as it is counted.
      for (const status of ['success', 'error']) {
        const counted = metricValue(metrics.text, 'mcp_tool_executions_total', { tool: 'echo', status });
        expect(metricValue(metrics.text, 'mcp_tool_execution_duration_seconds_count', { tool: 'echo', status })).toBe(counted);
        expect(metricValue(metrics.text, 'mcp_tool_execution_duration_seconds_bucket', { tool: 'echo', status, le: '+Inf' })).toBe(counted);
      }
      // The 120 ms run is past the 0.1 s bucket.
      const fast = metricValue(metrics.text, 'mcp_tool_execution_duration_seconds_bucket', { tool: 'echo', status: 'success', le: '0.1' }) ?? 0;
      expect(metricValue(metrics.text, 'mcp_tool_execution_duration_seconds_bucket', { tool: 'echo', status: 'success', le: '0.25' })).toBeGreaterThan(fast);
      const stats = (await t.client.call<Tool>('getTool', { headers: user.auth, params: { id: 'echo' } })).body.statistics;
      expect(stats?.totalExecutions).toBeGreaterThanOrEqual(5);
      expect(stats?.successRate).toBeGreaterThan(0);
      expect(stats?.successRate).toBeLessThan(1);
      expect(stats?.lastExecuted).not.toBeNull();
    });

    it('stores runs whose input holds characters PostgreSQL cannot (NUL) without failing', async () => {
      const response = await run(user.auth, 'echo', { parameters: { message: 'a\u0000b' } });
      expect(response.status).toBe(200);
      expect(response.body.result).toEqual({ message: 'a\u0000b' });
      const [row] = await t.app.get(DataSource).query('SELECT parameters FROM tool_executions WHERE id = $1', [response.body.executionId]);
      expect(row.parameters.message).toBe('a\uFFFDb');
    });

    it('stores runs whose input holds a lone surrogate (no valid UTF-8), in the history and the audit log', async () => {
      const response = await run(user.auth, 'echo', { parameters: { message: 'x\ud800y', data: { 'k\u0000\udfff': '\\u0000' } } });
      expect(response.status).toBe(200);
      const db = t.app.get(DataSource);
      const [row] = await db.query('SELECT parameters FROM tool_executions WHERE id = $1', [response.body.executionId]);
      expect(row.parameters).toEqual({ message: 'x\uFFFDy', data: { 'k\uFFFD\uFFFD': '\\u0000' } });
      const [entry] = await db.query(`SELECT details FROM audit_logs WHERE details->>'executionId' = $1`, [response.body.executionId]);
      expect(entry.details.parameters.message).toBe('x\uFFFDy');
    });

    it('stores async runs whose input holds NUL or a lone surrogate, and finishes them', async () => {
      const accepted = await run(user.auth, 'echo', { parameters: { message: 'x\ud800y\u0000z', data: { 'k\udfff': 'v' } }, options: { async: true } });
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
      const done = await until(
        () => t.client.call<ToolExecution>('getToolExecution', { headers: user.auth, params: { executionId: accepted.body.executionId } }),
        (response) => response.body.status === 'completed',
      );
      expect(done.body.result).toEqual({ message: 'x\uFFFDy\uFFFDz', data: { 'k\uFFFD': 'v' } });
      const [row] = await t.app.get(DataSource).query('SELECT parameters FROM tool_executions WHERE id = $1', [accepted.body.executionId]);
      expect(row.parameters).toEqual({ message: 'x\uFFFDy\uFFFDz', data: { 'k\uFFFD': 'v' } });
    });

    it('answers one createdAt, the run\'s start, through execute, get and list, for done, failed and async runs', async () => {
      const get = async (id: string) => (await t.client.call<ToolExecution>('getToolExecution', { headers: developer.auth, params: { executionId: id } })).body;
      const listed = async (tool: string, id: string) =>
        (await t.client.call<ToolExecutionList>('listToolExecutions', { headers: developer.auth, params: { id: tool }, query: { limit: 100 } })).body.executions.find((execution) => execution.executionId === id);
      // A slow run, so an insert-time createdAt would land well after the start.
      const done = (await run(developer.auth, 'echo', { parameters: { message: 'when', delayMs: 50 } })).body;
      const failed = (await run(developer.auth, 'filesystem', { parameters: { operation: 'read', path: '/does/not/exist.txt' } })).body;
      for (const [tool, answer] of [['tool_echo', done], ['tool_filesystem', failed]] as const) {
        expect(answer.createdAt).toBe(answer.metrics?.startTime);
        expect((await get(answer.executionId)).createdAt).toBe(answer.createdAt);
        expect((await listed(tool, answer.executionId))?.createdAt).toBe(answer.createdAt);
      }
      expect(Date.parse(failed.createdAt as string)).toBeLessThanOrEqual(Date.parse(failed.metrics?.endTime as string));
      const accepted = (await run(developer.auth, 'echo', { parameters: { message: 'later', delayMs: 50 }, options: { async: true } })).body;
      const finished = await until(() => get(accepted.executionId), (execution) => execution.status === 'completed');
      // An async run is created when accepted, before it starts.
      expect(Date.parse(finished.createdAt as string)).toBeLessThanOrEqual(Date.parse(finished.metrics?.startTime as string));
      expect(Date.parse(finished.metrics?.startTime as string)).toBeLessThanOrEqual(Date.parse(finished.metrics?.endTime as string));
      expect((await listed('tool_echo', accepted.executionId))?.createdAt).toBe(finished.createdAt);
    });

    it('lists a tool\'s runs, newest first: the caller\'s own, everyone\'s for admins', async () => {
      const mine = await t.client.call<ToolExecutionList>('listToolExecutions', { headers: user.auth, params: { id: 'tool_echo' }, query: { limit: 2 } });
      expect(mine.body.executions).toHaveLength(2);
      expect(mine.body.executions.every((execution) => execution.userId === user.userId)).toBe(true);
      expect(Date.parse(mine.body.executions[0].createdAt as string)).toBeGreaterThanOrEqual(Date.parse(mine.body.executions[1].createdAt as string));
      const all = await t.client.call<ToolExecutionList>('listToolExecutions', { headers: admin.auth, params: { id: 'echo' } });
      expect(new Set(all.body.executions.map((execution) => execution.userId)).size).toBeGreaterThan(1);
      expect(all.body.pagination.total).toBeGreaterThan(mine.body.pagination.total);
    });
  });

  describe('the route limit', () => {
    const limited = useTestApp({ RATE_LIMIT_TOOLS_EXECUTE: '2/60' });

    it('POST /tools/{id}/execute is limited per user with the headers', async () => {
      const caller = await registerAndLogin(limited.client);
      const call = () => limited.client.call<Envelope>('executeTool', { headers: caller.auth, params: { id: 'echo' }, body: { parameters: {} } });
      expect((await call()).headers.get('x-ratelimit-remaining')).toBe('1');
      await call();
      const third = await call();
      expect(third.status).toBe(429);
      expect(third.headers.get('retry-after')).not.toBeNull();
    });
  });
});

describe('tool schemas in every JSON Schema dialect are enforced', () => {
  const t = useTestApp();

  it('validates a 2020-12 upstream schema (MCP\u2019s default dialect) instead of falling back', async () => {
    const registry = t.app.get(ToolRegistry);
    registry.register({
      id: 'tool_dialect',
      name: 'dialect',
      description: 'a 2020-12 schema',
      version: '1',
      category: 'data',
      source: 'builtin',
      permissions: ['execute:tools'],
      inputSchema: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', $defs: { name: { type: 'string' } }, properties: { name: { $ref: '#/$defs/name' } }, required: ['name'], additionalProperties: false },
      run: async (input) => input,
    });
    const caller = await registerAndLogin(t.client);
    const bad = await t.client.call<Envelope>('executeTool', { headers: caller.auth, params: { id: 'dialect' }, body: { parameters: { name: 5, bogus: true } } });
    expect(bad.status).toBe(400);
    expect(bad.body.details?.map((detail) => detail.field).sort()).toEqual(['bogus', 'name']);
    const good = await t.client.call<ToolExecution>('executeTool', { headers: caller.auth, params: { id: 'dialect' }, body: { parameters: { name: 'ok' } } });
    expect(good.body.status).toBe('completed');
  });
});
