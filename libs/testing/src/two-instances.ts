import { loadConfig } from '@app/config';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { startTestApp, type TestApp } from './test-app';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TwoInstances {
  readonly a: TestApp;
  readonly b: TestApp;
}

/**
 * Two app instances on one fresh PostgreSQL database and one Redis key space, sharing their keys,
 * as behind a load balancer without sticky sessions. Started in beforeAll, closed in afterAll.
 */
export function useTwoInstances(env: Readonly<Record<string, string>> = {}): TwoInstances {
  let database: TestDatabase | undefined;
  let a: TestApp | undefined;
  let b: TestApp | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(loadConfig().database);
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const shared = {
      DATABASE_URL: database.url as string,
      REDIS_KEY_PREFIX: `smcp-pair-${randomBytes(4).toString('hex')}:`,
      JWT_PRIVATE_KEY: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      JWT_PUBLIC_KEY: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      SECRETS_KEY: randomBytes(32).toString('hex'),
      ...env,
    };
    a = await startTestApp(shared, { isolateDatabase: false });
    b = await startTestApp(shared, { isolateDatabase: false });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
  });
  const running = (app: TestApp | undefined): TestApp => {
    if (!app) throw new Error('the instances are not running: use them inside tests, after beforeAll');
    return app;
  };
  return {
    get a() {
      return running(a);
    },
    get b() {
      return running(b);
    },
  };
}
