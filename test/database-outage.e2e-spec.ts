import type { User } from '@app/contracts';
import { EmbeddedPostgres } from '@app/database';
import { loadConfig } from '@app/config';
import { createTestDatabase, newUserInput, startTestApp, TcpProxy, type TestApp, type TestDatabase, waitFor } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The database goes away under a running app and comes back: the app must say so (/ready 503,
 * /health/detailed unhealthy, 503 envelopes) and recover without a restart.
 */
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
    t = await startTestApp({ DATABASE_URL: databaseUrl(proxy.port), ...(embedded ? { DATABASE_POOL_MAX: '1' } : {}) }, { isolateDatabase: false });
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
});
