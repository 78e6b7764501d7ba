import { httpJson, spawnServer, startWebhookReceiver, useProcessWorkspace, type WebhookReceiver } from '@app/testing';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';

const ADMIN = { email: 'shutdown.admin@example.test', password: 'Adm1n!Passw0rd-shut' };

/** SIGTERM on a real process: drain, close sockets with 1001, flush, exit 0 within 10 s. */
describe('graceful shutdown', () => {
  const workspace = useProcessWorkspace('shutdown');
  let receiver: WebhookReceiver | undefined;

  afterEach(async () => {
    await receiver?.stop();
  });

  it('finishes the in-flight run, closes WebSockets with 1001, keeps its audit entry and webhook delivery, exits 0', async () => {
    const { env: storage } = await workspace.prepare();
    receiver = await startWebhookReceiver();
    const env = { ...storage, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, WEBHOOK_ALLOWLIST: '127.0.0.1', WEBHOOK_POLL_MS: '50' };

    const first = await spawnServer(env);
    const token = (await httpJson(first.baseUrl, 'POST', '/api/v1/auth/login', ADMIN)).body.accessToken as string;
    expect((await httpJson(first.baseUrl, 'POST', '/api/v1/admin/webhooks', { url: receiver.url, events: ['tool.executed'] }, token)).status).toBe(201);
    const socket = new WebSocket(`${first.baseUrl.replace('http', 'ws')}/ws`, { headers: { authorization: `Bearer ${token}` } });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));

    const inFlight = httpJson(first.baseUrl, 'POST', '/api/v1/tools/echo/execute', { parameters: { message: 'finish me', delayMs: 1500 } }, token);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    const exitCode = first.stop();

    expect(await closed).toBe(1001);
    const run = await inFlight;
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ status: 'completed' });
    const code = await exitCode;
    expect(code, first.output().slice(-3000)).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);

    const second = await spawnServer(env);
    try {
      const again = (await httpJson(second.baseUrl, 'POST', '/api/v1/auth/login', ADMIN)).body.accessToken as string;
      const logs = await httpJson(second.baseUrl, 'GET', '/api/v1/admin/audit-logs?action=tool.execute', undefined, again);
      const entries = logs.body.logs as Array<{ details: { executionId: string } }>;
      expect(entries.map((entry) => entry.details.executionId)).toContain(run.body.executionId);
      const [delivered] = await receiver.waitFor(1, 15_000);
      expect((JSON.parse(delivered.body) as { data: { executionId: string } }).data.executionId).toBe(run.body.executionId);
    } finally {
      await second.stop();
    }
  }, 90_000);

  it('is gone within SHUTDOWN_TIMEOUT_MS even when a run would outlast it', async () => {
    const { env: storage } = await workspace.prepare();
    const server = await spawnServer({ ...storage, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, SHUTDOWN_TIMEOUT_MS: '4000' });
    const token = (await httpJson(server.baseUrl, 'POST', '/api/v1/auth/login', ADMIN)).body.accessToken as string;
    const tooLong = httpJson(server.baseUrl, 'POST', '/api/v1/tools/echo/execute', { parameters: { message: 'never done', delayMs: 20_000 } }, token).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    const code = await server.stop();
    expect(Date.now() - started).toBeLessThan(4000);
    expect(code).toBe(1);
    await tooLong;
  }, 60_000);
});
