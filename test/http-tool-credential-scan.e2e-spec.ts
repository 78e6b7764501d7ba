import { AuditLogEntity } from '@app/audit';
import type { HttpTool, ToolExecution } from '@app/contracts';
import { type LoggedInUser, REDIRECT_TOKEN, registerAndLogin, registerAndLoginAs, type RestApi, startRestApi, useTestApp } from '@app/testing';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; details?: Array<{ field: string }> };
type Run = ToolExecution & { result?: { body: { path: string } }; error?: { code: string; message: string } };

// An AWS access key id in the shape the scan knows; the endpoint answers it back in `path`.
const LEAKED = 'AKIAIOSFODNN7EXAMPLE';

/** An HTTP tool's credentialScan, as an upstream server's: against a real endpoint that answers a credential. */
describe("HTTP tools' credential scan", () => {
  const t = useTestApp();
  let admin: LoggedInUser;
  let user: LoggedInUser;
  let api: RestApi;

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    user = await registerAndLogin(t.client);
    api = await startRestApi();
  });

  afterAll(async () => {
    await api?.close();
  });

  const define = async (name: string, credentialScan?: string) => {
    const created = await t.client.call<HttpTool & Envelope>('createHttpTool', { headers: admin.auth, body: { name, description: 'Reads a key', method: 'GET', url: `${api.url}/keys/{key}`, ...(credentialScan ? { credentialScan } : {}) } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body;
  };
  const run = (tool: string) => t.client.call<Run>('executeTool', { headers: user.auth, params: { id: tool }, body: { parameters: { key: LEAKED } } });
  const found = async (tool: string) => (await t.app.get(DataSource).getRepository(AuditLogEntity).findBy({ action: 'http_tool.credentials.found', resource: `tool_${tool}` })).map((entry) => entry.details);

  it('off (the default): the answer is passed on as it is', async () => {
    expect((await define('keys_off')).credentialScan).toBe('off');
    const answer = await run('keys_off');
    expect(answer.body.result?.body.path).toBe(`/keys/${LEAKED}`);
    expect(await found('keys_off')).toEqual([]);
  });

  it('mask: each credential is replaced before anything keeps or answers it, and the finding is audited', async () => {
    expect((await define('keys_mask', 'mask')).credentialScan).toBe('mask');
    const answer = await run('keys_mask');
    expect(answer.body.status).toBe('completed');
    expect(answer.body.result?.body.path).toBe('/keys/[REDACTED:aws-access-key]');
    const stored = await t.client.call<Run>('getToolExecution', { headers: user.auth, params: { executionId: answer.body.executionId } });
    expect(JSON.stringify(stored.body.result)).not.toContain(LEAKED);
    expect(await found('keys_mask')).toEqual([{ tool: 'keys_mask', executionId: answer.body.executionId, kinds: ['aws-access-key'], refused: false }]);
  });

  it('refuse: the run fails and keeps nothing of the answer', async () => {
    await define('keys_refuse', 'refuse');
    const answer = await run('keys_refuse');
    expect(answer.body.status).toBe('failed');
    expect(answer.body.error).toMatchObject({ code: 'CREDENTIALS_IN_ANSWER' });
    expect(JSON.stringify(answer.body.error)).not.toContain(LEAKED);
    expect(JSON.stringify(answer.body.result ?? null)).not.toContain(LEAKED);
    expect(await found('keys_refuse')).toEqual([{ tool: 'keys_refuse', executionId: answer.body.executionId, kinds: ['aws-access-key'], refused: true }]);
  });

  it("a redirect's location is scanned with the body", async () => {
    const created = await t.client.call<HttpTool>('createHttpTool', { headers: admin.auth, body: { name: 'callback_mask', description: 'Follows a callback', method: 'GET', url: `${api.url}/redirect-with-token`, credentialScan: 'mask' } });
    expect(created.status).toBe(201);
    const answer = await t.client.call<Run & { error?: { result?: { location?: string } } }>('executeTool', { headers: user.auth, params: { id: 'callback_mask' }, body: { parameters: {} } });
    expect(answer.body.status).toBe('failed');
    expect(answer.body.error?.code).toBe('HTTP_REDIRECT');
    expect(JSON.stringify(answer.body)).not.toContain(REDIRECT_TOKEN);
    expect(JSON.stringify(answer.body)).toContain('access_token=[REDACTED:jwt]');
    expect(await found('callback_mask')).toEqual([{ tool: 'callback_mask', executionId: answer.body.executionId, kinds: ['jwt'], refused: false }]);
  });

  it('refuses a mode it does not know', async () => {
    const refused = await t.client.call<Envelope>('createHttpTool', { headers: admin.auth, body: { name: 'keys_bad', description: 'x', method: 'GET', url: `${api.url}/keys/{key}`, credentialScan: 'strip' } });
    expect(refused.status).toBe(400);
    expect(refused.body.details?.map((detail) => detail.field)).toContain('credentialScan');
  });
});
