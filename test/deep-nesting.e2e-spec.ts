import { AuditLogEntity } from '@app/audit';
import type { HttpTool, ToolExecution } from '@app/contracts';
import { ToolExecutionEntity } from '@app/tools';
import { type LoggedInUser, openRawMcpSession, openWs, registerAndLogin, registerAndLoginAs, type RestApi, startRestApi, until, useTestApp, type WsClient } from '@app/testing';
import { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; message: string; code: string }> };
type RpcAnswer = { id?: number; result?: unknown; error?: { code: number; message: string; data?: { code?: string; details?: Array<{ field: string; code: string }> } } };

/** Text of a JSON object nested `depth` deep (JSON.stringify cannot write it). */
const nested = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const TOO_DEEP = { code: -32602, data: { code: 'VALIDATION_ERROR', details: [{ field: '(params)', message: 'nesting deeper than 32 levels', code: 'TOO_DEEP' }] } };

describe('nesting beyond what the gateway can walk is refused or contained, never a 500', () => {
  const t = useTestApp();
  let user: LoggedInUser;
  let admin: LoggedInUser;
  let api: RestApi;
  const open: WsClient[] = [];
  const db = () => t.app.get(DataSource);

  beforeAll(async () => {
    user = await registerAndLogin(t.client);
    admin = await registerAndLoginAs(t, ['admin']);
    api = await startRestApi();
    // Takes any arguments and posts them on: nothing but the door's limit stands before a deep one.
    const created = await t.client.call<HttpTool>('createHttpTool', { headers: admin.auth, body: { name: 'takes_anything', description: 'Posts its arguments', method: 'POST', url: `${api.url}/echo`, inputSchema: { type: 'object' } } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  });

  afterEach(() => {
    while (open.length > 0) open.pop()?.close();
  });

  afterAll(async () => {
    await api?.close();
  });

  describe('JSON-RPC params nested deeper than REST takes', () => {
    it('/ws: 5,000 levels are -32602 TOO_DEEP (as REST’s 400), and the connection goes on', async () => {
      const client = await openWs(t.baseUrl, { headers: user.auth });
      open.push(client);
      const answer = (await client.raw(`{"jsonrpc":"2.0","id":7,"method":"tools/execute","params":{"tool":"takes_anything","arguments":${nested(5_000)}}}`)) as RpcAnswer;
      expect(answer).toMatchObject({ id: 7, error: TOO_DEEP });
      // The limit is REST's: 32 levels of params (the arguments are two down) still run.
      const within = (await client.raw(`{"jsonrpc":"2.0","id":8,"method":"tools/execute","params":{"tool":"takes_anything","arguments":${nested(30)}}}`)) as RpcAnswer;
      expect(within).toMatchObject({ id: 8, result: { metadata: { status: 'completed' } } });
      expect((await client.request('ping')).result).toEqual({});
    });

    it('/mcp: the same refusal', async () => {
      const headers = await openRawMcpSession(t.baseUrl, user.accessToken);
      const answer = await fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers, body: `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"takes_anything","arguments":${nested(5_000)}}}` });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ id: 3, error: TOO_DEEP });
    });
  });

  describe('a tool result nested deeper than JSON.stringify goes (an HTTP tool whose API answers 20,000 levels)', () => {
    let toolId: string;
    const runs = () => db().getRepository(ToolExecutionEntity).find({ where: { toolId }, order: { createdAt: 'ASC' } });

    beforeAll(async () => {
      const created = await t.client.call<HttpTool>('createHttpTool', { headers: admin.auth, body: { name: 'deep_answer', description: 'Answers a deeply nested document', method: 'GET', url: `${api.url}/deep/20000` } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      toolId = created.body.toolId;
    });

    it('REST: a 502 envelope, and the run is recorded (placeholder result), audited and announced', async () => {
      const answer = await t.client.call<Envelope>('executeTool', { headers: user.auth, params: { id: 'deep_answer' }, body: { parameters: {} } });
      expect(answer.status).toBe(502);
      expect(answer.body).toMatchObject({ error: 'BAD_GATEWAY', message: expect.stringContaining('nested deeper than 1000 levels') });
      const [row] = await until(runs, (rows) => rows.length === 1);
      expect(row).toMatchObject({ userId: user.userId, status: 'failed', error: { code: 'BAD_GATEWAY' }, result: { truncated: true, reason: expect.stringContaining('nested deeper') } });
      const audited = await db().getRepository(AuditLogEntity).findOneByOrFail({ action: 'tool.execute', resource: toolId, userId: user.userId });
      expect(audited).toMatchObject({ result: 'failure', details: { executionId: row.id, status: 'failed', error: { code: 'BAD_GATEWAY' } } });
      const read = await t.client.call<ToolExecution>('getToolExecution', { headers: user.auth, params: { executionId: row.id } });
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ status: 'failed', result: { truncated: true } });
    });

    it('/ws: a JSON-RPC error that says why, not -32603', async () => {
      const client = await openWs(t.baseUrl, { headers: user.auth });
      open.push(client);
      const answer = await client.request('tools/execute', { tool: 'deep_answer', arguments: {} });
      expect(answer.error?.code).not.toBe(-32603);
      expect(answer.error?.message).toContain('nested deeper than 1000 levels');
    });

    it('async: the run ends (failed, placeholder result) instead of staying running', async () => {
      const accepted = await t.client.call<{ executionId: string }>('executeTool', { headers: user.auth, params: { id: 'deep_answer' }, body: { parameters: {}, options: { async: true } } });
      expect(accepted.status).toBe(202);
      const read = () => t.client.call<ToolExecution>('getToolExecution', { headers: user.auth, params: { executionId: accepted.body.executionId } });
      const ended = await until(read, (answer) => answer.body.status !== 'pending' && answer.body.status !== 'running');
      expect(ended.body).toMatchObject({ status: 'failed', error: { code: 'BAD_GATEWAY' }, result: { truncated: true } });
      await until(
        () => db().getRepository(AuditLogEntity).findBy({ action: 'tool.execute', resource: toolId }),
        (entries) => entries.some((entry) => (entry.details as { executionId?: string }).executionId === accepted.body.executionId),
      );
    });
  });
});
