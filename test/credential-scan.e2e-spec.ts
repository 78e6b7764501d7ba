import { AuditLogEntity } from '@app/audit';
import type { McpPromptMessages, ToolExecution, UpstreamServer } from '@app/contracts';
import { type LoggedInUser, type McpTestServer, metricValue, openWs, registerAndLogin, registerAndLoginAs, startMcpTestServer, until, useTestApp } from '@app/testing';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string };

// Assembled at run time, so that no scanner of this repository mistakes them for leaks.
const AWS_KEY = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');
const JWT = ['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0', 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'].join('.');

describe("Credentials in an upstream's answers: masked or withheld before anything keeps or answers them", () => {
  const t = useTestApp();
  let admin: LoggedInUser;
  let user: LoggedInUser;
  let remote: McpTestServer;
  let serverId: string;

  const setMode = async (credentialScan: string) => {
    const answer = await t.client.call<UpstreamServer & Envelope>('updateServer', { headers: admin.auth, params: { id: serverId }, body: { name: 'leaky', transport: { type: 'streamable-http', url: remote.url }, credentialScan } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.credentialScan).toBe(credentialScan);
  };
  const echo = (message: string) => t.client.call<ToolExecution & Envelope>('executeTool', { headers: user.auth, params: { id: 'leaky__echo' }, body: { parameters: { message } } });
  const textOf = (execution: ToolExecution) => (execution.result as { content: Array<{ text: string }> }).content[0].text;
  const found = () => t.app.get(DataSource).getRepository(AuditLogEntity).find({ where: { action: 'upstream.credentials.found' }, order: { timestamp: 'ASC' } });

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    user = await registerAndLogin(t.client);
    remote = await startMcpTestServer();
    const created = await t.client.call<UpstreamServer>('createServer', { headers: admin.auth, body: { name: 'leaky', transport: { type: 'streamable-http', url: remote.url } } });
    expect(created.body.credentialScan).toBe('off');
    serverId = created.body.id;
  });

  afterAll(async () => {
    await remote?.close();
  });

  it('off (the default): the answer is as the upstream gave it; an unknown mode is a 400', async () => {
    expect(textOf((await echo(`key ${AWS_KEY}`)).body)).toBe(`echo: key ${AWS_KEY}`);
    const bad = await t.client.call<Envelope>('updateServer', { headers: admin.auth, params: { id: serverId }, body: { name: 'leaky', transport: { type: 'streamable-http', url: remote.url }, credentialScan: 'maybe' } });
    expect(bad.status).toBe(400);
    expect(await found()).toEqual([]);
  });

  it('mask: each credential becomes [REDACTED:<kind>] in the answer, the stored run and the filled prompt; audited with the kinds, never the values', async () => {
    await setMode('mask');
    const run = await echo(`key ${AWS_KEY} token ${JWT}`);
    expect(run.status).toBe(200);
    expect(textOf(run.body)).toBe('echo: key [REDACTED:aws-access-key] token [REDACTED:jwt]');
    const stored = await t.client.call<ToolExecution>('getToolExecution', { headers: user.auth, params: { executionId: run.body.executionId } });
    expect(JSON.stringify(stored.body.result)).not.toContain(AWS_KEY);

    const prompt = await t.client.call<McpPromptMessages>('getMcpServicePrompt', { headers: user.auth, params: { serviceId: serverId }, body: { name: 'greet', arguments: { name: JWT } } });
    expect(prompt.status).toBe(200);
    expect(prompt.body.messages[0].content).toEqual({ type: 'text', text: 'Greet [REDACTED:jwt]' });

    const entries = await found();
    expect(entries.map((entry) => [entry.result, entry.severity, entry.userId, entry.details])).toEqual([
      ['success', 'warning', user.userId, { server: 'leaky', tool: 'echo', executionId: run.body.executionId, kinds: ['aws-access-key', 'jwt'], refused: false }],
      ['success', 'warning', user.userId, { server: 'leaky', prompt: 'greet', kinds: ['jwt'], refused: false }],
    ]);
    expect(JSON.stringify(entries)).not.toContain(AWS_KEY);
    // A clean answer passes untouched and is not audited.
    expect(textOf((await echo('nothing secret here')).body)).toBe('echo: nothing secret here');
    expect(await found()).toHaveLength(2);
  });

  it('each finding is an event: the caller sees their own on /ws (and a webhook would carry it)', async () => {
    const socket = await openWs(t.baseUrl, { headers: user.auth });
    try {
      expect((await socket.request('subscribe', { events: ['upstream.credentials.found'] })).result).toMatchObject({ subscribed: true });
      const run = await echo(`again ${AWS_KEY}`);
      expect(run.status).toBe(200);
      const notification = await until(
        () => socket.notifications.find((frame) => (frame.params as { event: string }).event === 'upstream.credentials.found'),
        (frame) => frame !== undefined,
      );
      expect(notification?.params).toMatchObject({ data: { serverId, server: 'leaky', userId: user.userId, tool: 'echo', executionId: run.body.executionId, kinds: ['aws-access-key'], refused: false } });
      expect(JSON.stringify(notification)).not.toContain(AWS_KEY);
    } finally {
      socket.close();
    }
  });

  it('what the upstream says during a call (log messages) reaches the caller masked too', async () => {
    const socket = await openWs(t.baseUrl, { headers: user.auth });
    try {
      const logged = await socket.request<{ content: Array<{ text: string }> }>('tools/call', { name: 'leaky__log', arguments: { tag: AWS_KEY } });
      expect(logged.result?.content[0].text).toBe('logged 4 messages for [REDACTED:aws-access-key]');
      const relayed = socket.unmatched.filter((message) => (message as { method?: string }).method === 'notifications/message') as Array<{ params: { data: { tag: string } } }>;
      expect(relayed.map((message) => message.params.data.tag)).toEqual(Array.from({ length: 4 }, () => '[REDACTED:aws-access-key]'));
      expect(JSON.stringify(socket.unmatched)).not.toContain(AWS_KEY);
    } finally {
      socket.close();
    }
  });

  it("what the upstream asks the caller's client (a sampling request) reaches it masked", async () => {
    const socket = await openWs(t.baseUrl, { headers: user.auth, protocols: ['mcp'] });
    try {
      await socket.request('initialize', { protocolVersion: '2025-11-25', capabilities: { sampling: {} }, clientInfo: { name: 'ws', version: '1' } });
      const replied = socket.request<{ content: Array<{ text: string }> }>('tools/call', { name: 'leaky__sample', arguments: { prompt: `use ${AWS_KEY}` } });
      const request = await until(
        () => socket.unmatched.find((message) => (message as { method?: string }).method === 'sampling/createMessage') as { id: number; params: { messages: Array<{ content: { text: string } }> } } | undefined,
        (found) => found !== undefined,
      );
      expect(request?.params.messages[0].content.text).toBe('use [REDACTED:aws-access-key]');
      socket.socket.send(JSON.stringify({ jsonrpc: '2.0', id: request?.id, result: { role: 'assistant', model: 'm', content: { type: 'text', text: 'done' } } }));
      expect((await replied).result?.content[0].text).toBe('sampled: done');
    } finally {
      socket.close();
    }
  });

  it('refuse: an answer carrying a credential is withheld (502) and audited as denied; clean ones pass', async () => {
    await setMode('refuse');
    const refused = await echo(`key ${AWS_KEY}`);
    expect(refused.status).toBe(502);
    expect(refused.body.message).toContain('aws-access-key');
    expect(refused.body.message).not.toContain(AWS_KEY);
    expect((await found()).at(-1)).toMatchObject({ result: 'denied', details: { tool: 'echo', kinds: ['aws-access-key'], refused: true } });
    const metrics = (await t.client.call('getMetrics')).text;
    expect(metricValue(metrics, 'mcp_upstream_credentials_found_total', { server: 'leaky', kind: 'aws-access-key', action: 'refused' })).toBe(1);
    // Masked before: two runs' results, one run's four log messages and its result, a sampling request.
    expect(metricValue(metrics, 'mcp_upstream_credentials_found_total', { server: 'leaky', kind: 'aws-access-key', action: 'masked' })).toBe(8);
    expect((await echo('fine')).status).toBe(200);
  });
});
