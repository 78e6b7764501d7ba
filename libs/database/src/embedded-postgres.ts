import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite served over a loopback socket, so the ordinary `pg` driver and the same SQL run on the
 * embedded default and on a real PostgreSQL. PGlite has one session: clients use a pool of one.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    readonly port: number,
    private readonly lockFile?: string,
  ) {}

  /** `dataDir` undefined: a throwaway in-memory database. */
  static async start(dataDir?: string): Promise<EmbeddedPostgres> {
    const lockFile = dataDir ? EmbeddedPostgres.lock(dataDir) : undefined;
    try {
      const db = await PGlite.create(dataDir ? join(dataDir, 'pgdata') : undefined);
      const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
      await server.start();
      const { port } = (server as unknown as { server: { address(): AddressInfo } }).server.address();
      return new EmbeddedPostgres(db, server, port, lockFile);
    } catch (error) {
      if (lockFile) rmSync(lockFile, { force: true });
      throw error;
    }
  }

  // Two processes writing one PGlite directory would corrupt it: refuse the second one.
  private static lock(dataDir: string): string {
    mkdirSync(dataDir, { recursive: true });
    const lockFile = join(dataDir, 'pgdata.lock');
    try {
      const holder = Number(readFileSync(lockFile, 'utf8'));
      if (holder !== process.pid && Number.isInteger(holder) && holder > 0 && processAlive(holder)) {
        throw new Error(`The embedded database in ${dataDir} is in use by process ${holder}`);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    writeFileSync(lockFile, String(process.pid));
    return lockFile;
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
    if (this.lockFile) rmSync(this.lockFile, { force: true });
  }
}
