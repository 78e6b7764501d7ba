import { loadConfig } from '@app/config';
import { newUserInput, registerAndLogin, startTestApp, TcpProxy, type TestApp, waitFor } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const base = loadConfig();

/** Redis goes away under a running app and comes back: clean 503s, /ready 503, then recovery. */
describe.skipIf(!base.redisUrl)('Redis outage and recovery', () => {
  let proxy: TcpProxy;
  let t: TestApp;

  beforeAll(async () => {
    const url = new URL(base.redisUrl as string);
    proxy = await TcpProxy.start(url.hostname, Number(url.port || 6379));
    t = await startTestApp({ REDIS_URL: Object.assign(new URL(url), { port: String(proxy.port) }).toString() });
  });

  afterAll(async () => {
    await proxy?.restore();
    await t?.close();
    await proxy?.close();
  });

  it('reports the outage, answers 503 envelopes for what needs Redis, never 500 or a hang, and recovers', async () => {
    const user = await registerAndLogin(t.client);
    expect((await t.client.call('getReadiness')).status).toBe(200);

    await proxy.cut();
    const { afterMs } = await waitFor(() => t.client.call('getReadiness'), (response) => response.status === 503, 5_000);
    expect(afterMs).toBeLessThan(5_000);
    const ready = await t.client.call<{ reasons: string[] }>('getReadiness');
    expect(ready.body.reasons.join(' ')).toContain('redis');

    // Rate limits live in Redis: a limited route fails closed, quickly, in the envelope.
    const started = Date.now();
    const login = await t.client.call<{ error: string }>('loginUser', { body: { email: user.input.email, password: user.input.password } });
    expect(login.status).toBe(503);
    expect(login.body.error).toBe('SERVICE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(t.config.requestTimeoutMs);
    // Liveness is the process's own.
    expect((await t.client.call('getHealth')).status).toBe(200);

    await proxy.restore();
    await waitFor(() => t.client.call('getReadiness'), (response) => response.status === 200, 15_000);
    expect((await t.client.call('loginUser', { body: { email: user.input.email, password: user.input.password } })).status).toBe(200);
    expect((await t.client.call('registerUser', { body: newUserInput() })).status).toBe(201);
  }, 60_000);
});
