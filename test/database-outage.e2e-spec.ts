import { AuditLogEntity, AuditWriter } from '@app/audit';
import { isDatabaseUnavailable } from '@app/common';
import type { Context, User } from '@app/contracts';
import { AppendLog, EmbeddedPostgres } from '@app/database';
import { loadConfig } from '@app/config';
import { createTestDatabase, type LoggedInUser, newUserInput, registerAndLoginAs, startTestApp, TcpProxy, type TestApp, type TestDatabase, waitFor } from '@app/testing';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The database goes away under a running app and comes back: the app must say so (/ready 503,
 * /health/detailed unhealthy, 503 envelopes) and recover without a restart.
 */
const REQUEST_TIMEOUT_MS = 10_000;

describe('database outage and recovery', () => {
  const base = loadConfig().database;
  let proxy: TcpProxy;
  let t: TestApp;
  let database: TestDatabase | undefined;
  let embedded: EmbeddedPostgres | undefined;

  beforeAll(async () => {
    let databaseUrl: (port: number) => string;
    if (base.kind === 'postgres') {
      database = await createTestDatabase(base);
      const url = new URL(database.url as string);
      proxy = await TcpProxy.start(url.hostname, Number(url.port || 5432));
      databaseUrl = (port) => Object.assign(new URL(url), { port: String(port) }).toString();
    } else {
      // No PostgreSQL on this machine: the embedded server, reached over TCP like a real one.
      embedded = await EmbeddedPostgres.start(undefined, { tcp: true });
      proxy = await TcpProxy.start('127.0.0.1', embedded.port as number);
      databaseUrl = (port) => `postgres://postgres@127.0.0.1:${port}/postgres`;
    }
    // PGlite serves one session at a time, so the app gets a pool of one in front of it.
    // A short request timeout (its queries get half of it) keeps the silent-link case quick.
    t = await startTestApp(
      { DATABASE_URL: databaseUrl(proxy.port), REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), ...(embedded ? { DATABASE_POOL_MAX: '1' } : {}) },
      { isolateDatabase: false },
    );
  });

  afterAll(async () => {
    await proxy?.restore();
    await t?.close();
    await proxy?.close();
    await database?.drop();
    await embedded?.stop();
  });

  it('is ready while the database answers', async () => {
    expect((await t.client.call('getReadiness')).status).toBe(200);
  });

  it('reports the outage within 5 s and answers 503 envelopes, never 500 or a hang', async () => {
    await proxy.cut();
    const { afterMs } = await waitFor(() => t.client.call('getReadiness'), (response) => response.status === 503, 5_000);
    expect(afterMs).toBeLessThan(5_000);

    const ready = await t.client.call<{ ready: boolean; reasons: string[] }>('getReadiness');
    expect(ready.body.ready).toBe(false);
    expect(ready.body.reasons.join(' ')).toContain('database');

    const detailed = await t.client.call<{ status: string; components: { database: { status: string } } }>('getDetailedHealth');
    expect(detailed.body.status).toBe('unhealthy');
    expect(detailed.body.components.database.status).toBe('unhealthy');

    // Liveness does not depend on the database: the process itself is fine.
    expect((await t.client.call('getHealth')).status).toBe(200);

    const started = Date.now();
    const register = await t.client.call<{ error: string }>('registerUser', { body: newUserInput() });
    expect(register.status).toBe(503);
    expect(register.body.error).toBe('SERVICE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(t.config.requestTimeoutMs);
  });

  it('recovers without a restart when the database returns', async () => {
    await proxy.restore();
    await waitFor(() => t.client.call('getReadiness'), (response) => response.status === 200, 10_000);
    const detailed = await t.client.call<{ components: { database: { status: string } } }>('getDetailedHealth');
    expect(detailed.body.components.database.status).toBe('healthy');
    const register = await t.client.call<User>('registerUser', { body: newUserInput() });
    expect(register.status).toBe(201);
  });

  describe('when the link goes silent (no FIN, no RST) and heals', () => {
    let user: LoggedInUser;
    type Envelope = { error: string };
    const audit = (action: string): Promise<void> => t.app.get(AuditWriter).record({ action, result: 'success' });
    const createContextRaw = (body: unknown) => {
      const { method, path, basePath } = t.client.validator.operation('createContext');
      return t.client.raw(method, `${basePath}${path}`, { body: JSON.stringify(body), headers: { ...user.auth, 'content-type': 'application/json' } }) as Promise<{ status: number; body: Envelope }>;
    };
    const settle = async (write: Promise<unknown>): Promise<{ error?: unknown; afterMs: number }> => {
      const started = Date.now();
      try {
        await write;
        return { afterMs: Date.now() - started };
      } catch (error) {
        return { error, afterMs: Date.now() - started };
      }
    };

    beforeAll(async () => {
      user = await registerAndLoginAs(t, ['developer']);
      // The append log now holds its connection (on PostgreSQL; in front of PGlite the pool has one).
      await audit('outage.warm-up');
    });

    it('fails writes stuck on the silent link, and those queued behind them, within the request timeout', async () => {
      proxy.freeze();
      const first = settle(audit('outage.frozen-1'));
      await new Promise((resolve) => setImmediate(resolve));
      // Sent while the first batch waits for its answer: it waits in the group-commit queue.
      const queued = settle(audit('outage.frozen-2'));
      for (const { error, afterMs } of await Promise.all([first, queued])) {
        expect(error).toBeDefined();
        expect(isDatabaseUnavailable(error)).toBe(true);
        expect(afterMs).toBeLessThan(REQUEST_TIMEOUT_MS);
      }
    });

    it('answers 503 envelopes to writes over HTTP, never 500 or a hang, and /ready 503', async () => {
      const started = Date.now();
      const [execute, context] = await Promise.all([
        t.client.call<Envelope>('executeTool', { headers: user.auth, params: { id: 'echo' }, body: { parameters: { message: 'frozen' } } }),
        // openapi.yaml does not list 503 for createContext (yet): raw, which still checks the envelope.
        createContextRaw({ name: 'frozen' }),
      ]);
      for (const response of [execute, context]) {
        expect(response.status).toBe(503);
        expect(response.body.error).toBe('SERVICE_UNAVAILABLE');
      }
      expect(Date.now() - started).toBeLessThan(REQUEST_TIMEOUT_MS);
      const ready = await waitFor(() => t.client.call<{ reasons?: string[] }>('getReadiness'), (response) => response.status === 503, 5_000);
      expect(ready.value.body.reasons?.join(' ')).toContain('database');
    });

    it('reports a write stuck on the append log\'s own connection in readiness', async () => {
      // A write stuck on the log's own connection: the pool's ping alone does not see it.
      const log = t.app.get(AppendLog);
      const stuck = settle(audit('outage.stuck'));
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      expect(await log.unavailable(2_000)).toMatch(/append log/);
      expect((await t.client.call('getReadiness')).status).toBe(503);
      expect(isDatabaseUnavailable((await stuck).error)).toBe(true);
    });

    it('writes work again once the link heals, without a restart', async () => {
      await proxy.restore();
      await waitFor(() => t.client.call('getReadiness'), (response) => response.status === 200, 10_000);
      await expect(audit('outage.healed')).resolves.toBeUndefined();
      const execute = await t.client.call<{ status: string }>('executeTool', { headers: user.auth, params: { id: 'echo' }, body: { parameters: { message: 'healed' } } });
      expect(execute.status).toBeLessThan(300);
      const context = await t.client.call<Context>('createContext', { headers: user.auth, body: { name: 'healed' } });
      expect(context.status).toBe(201);
      expect(await t.app.get(DataSource).getRepository(AuditLogEntity).findOneBy({ action: 'outage.healed' })).not.toBeNull();
    });
  });
});
