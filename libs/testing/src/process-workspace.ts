import { loadConfig } from '@app/config';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface ProcessWorkspace {
  /** A fresh DATA_DIR (and, on PostgreSQL, a fresh database) for a spawned server; gone after the test. */
  prepare(): Promise<{ dataDir: string; databaseUrl?: string; env: Record<string, string> }>;
}

/** What a real-process test needs around spawnServer: a data dir and a database that survive restarts. */
export function useProcessWorkspace(prefix: string): ProcessWorkspace {
  const base = loadConfig().database;
  let dataDir: string | undefined;
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.drop().catch(() => undefined);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    database = undefined;
    dataDir = undefined;
  });
  return {
    prepare: async () => {
      dataDir = mkdtempSync(join(tmpdir(), `smcp-${prefix}-`));
      database = base.kind === 'postgres' ? await createTestDatabase(base) : undefined;
      return { dataDir, databaseUrl: database?.url, env: { DATA_DIR: dataDir, ...(database?.url ? { DATABASE_URL: database.url } : {}) } };
    },
  };
}
