import { type AppConfig, type DatabaseTarget, loadConfig } from '@app/config';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createApp } from '../../../apps/api/src/bootstrap';
import { ContractClient } from './contract-client';
import type { ServedRoute } from './contract-coverage';
import { createTestDatabase } from './test-database';

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly config: AppConfig;
  readonly baseUrl: string;
  readonly routes: readonly ServedRoute[];
  readonly client: ContractClient;
  close(): Promise<void>;
}

/**
 * Environment for a test server: quiet logs, and limits high enough that suites sharing one
 * address (127.0.0.1) do not trip them; tests of the limits themselves override these.
 */
export const TEST_ENV: Readonly<Record<string, string>> = {
  LOG_LEVEL: 'error',
  HOST: '127.0.0.1',
  PORT: '0',
  RATE_LIMIT_REGISTER: '100000/3600',
  RATE_LIMIT_LOGIN: '100000/900',
  RATE_LIMIT_LOGIN_IP: '100000/900',
  RATE_LIMIT_OAUTH_REGISTER: '100000/3600',
  RATE_LIMIT_API: '1000000/60',
};

export interface TestAppOptions {
  /** false: use DATABASE_URL's database as given (a test that set it up itself). */
  readonly isolateDatabase?: boolean;
  /** A database that outlives this app (see createKeptDatabase): used as given, never dropped here. */
  readonly database?: DatabaseTarget;
  /** Listen on a port chosen before boot, with PUBLIC_URL naming it. */
  readonly publicUrlOnPort?: boolean;
}

/** A port the OS says is free now. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Boots the real application on a real socket and a fresh database: the embedded one by default,
 * a new database on DATABASE_URL's server when that is set; REDIS_URL is used when set.
 */
export async function startTestApp(overrides: Readonly<Record<string, string>> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  // A flow that follows the server's own URLs (OAuth discovery) needs PUBLIC_URL to name the real port.
  const chosenPort = options.publicUrlOnPort ? await freePort() : 0;
  const addressed = options.publicUrlOnPort ? { PORT: String(chosenPort), PUBLIC_URL: `http://127.0.0.1:${chosenPort}` } : {};
  // Each app gets its own Redis key space, so counters of parallel test files never mix.
  const base = loadConfig({ ...TEST_ENV, REDIS_KEY_PREFIX: `smcp-test-${randomBytes(4).toString('hex')}:`, ...addressed, ...overrides });
  // isolateDatabase false: use DATABASE_URL's database as given (a test that set it up itself).
  const kept = options.database ?? (options.isolateDatabase === false ? base.database : undefined);
  const database = kept ? { target: kept, drop: async () => undefined } : await createTestDatabase(base.database);
  const dataDir = mkdtempSync(join(tmpdir(), 'smcp-test-'));
  const config: AppConfig = { ...base, database: database.target, dataDir, toolsRoot: join(dataDir, 'workspace') };
  let booted: Awaited<ReturnType<typeof createApp>>;
  try {
    booted = await createApp(config);
    await booted.app.listen({ port: chosenPort, host: '127.0.0.1' });
  } catch (error) {
    await database.drop().catch(() => undefined);
    throw error;
  }
  const { port } = booted.app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app: booted.app,
    config,
    baseUrl,
    routes: booted.routes,
    client: await ContractClient.create(baseUrl),
    close: async () => {
      await booted.app.close();
      await database.drop().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Boots one app for the calling `describe` block (beforeAll) and closes it afterwards (afterAll).
 * The returned handle reads through to the running app, so tests write `t.client.call(...)`.
 */
export function useTestApp(overrides: Readonly<Record<string, string>> = {}, options: TestAppOptions = {}): TestApp {
  let running: TestApp | undefined;
  beforeAll(async () => {
    running = await startTestApp(overrides, options);
  });
  afterAll(async () => {
    await running?.close();
  });
  return new Proxy({} as TestApp, {
    get: (_, key: keyof TestApp) => {
      if (!running) throw new Error('the test app is not running: use it inside tests, after beforeAll');
      return running[key];
    },
  });
}
