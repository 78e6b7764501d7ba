import { loadConfig } from '@app/config';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface ProcessWorkspace {
  /** A fresh DATA_DIR (and, on PostgreSQL, a fresh database) for a spawned server; gone after the test. */
  prepare(): Promise<{ dataDir: string; databaseUrl?: string; env: Record<string, string> }>;
}

/**
 * What a real-process test needs around spawnServer: a data dir and a database that survive
 * restarts, gone after each test, or after the file's last (`lasts: 'file'`, one server for many tests).
 */
export function useProcessWorkspace(prefix: string, options: { readonly lasts?: 'test' | 'file' } = {}): ProcessWorkspace {
  const base = loadConfig().database;
  let dataDir: string | undefined;
  let database: TestDatabase | undefined;
  const cleanUp = async (): Promise<void> => {
    await database?.drop().catch(() => undefined);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    database = undefined;
    dataDir = undefined;
  };
  if (options.lasts === 'file') afterAll(cleanUp);
  else afterEach(cleanUp);
  return {
    prepare: async () => {
      dataDir = mkdtempSync(join(tmpdir(), `smcp-${prefix}-`));
      database = base.kind === 'postgres' ? await createTestDatabase(base) : undefined;
      return { dataDir, databaseUrl: database?.url, env: { DATA_DIR: dataDir, ...(database?.url ? { DATABASE_URL: database.url } : {}) } };
    },
  };
}

/** Whether a process of this id is running (a signal 0 reaches it). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
