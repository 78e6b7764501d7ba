import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// PGlite runs PostgreSQL as WebAssembly: on the event loop it would compete with every request,
// so it lives in a worker thread and serves the socket from there.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglite);
const { PGLiteSocketServer } = require(workerData.socket);
let db;
let server;
parentPort.on('message', async (message) => {
  if (message !== 'stop') return;
  try {
    if (server) await server.stop();
    if (db) await db.close();
  } finally {
    parentPort.postMessage({ type: 'stopped' });
  }
});
(async () => {
  db = await PGlite.create(workerData.dataDir);
  server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
  await server.start();
  parentPort.postMessage({ type: 'ready', port: server.server.address().port });
})().catch((error) => parentPort.postMessage({ type: 'error', message: error && error.message ? error.message : String(error) }));
`;

type WorkerMessage = { type: 'ready'; port: number } | { type: 'error'; message: string } | { type: 'stopped' };

/**
 * PGlite served over a loopback socket, so the ordinary `pg` driver and the same SQL run on the
 * embedded default and on a real PostgreSQL. PGlite has one session: clients use a pool of one.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly worker: Worker,
    readonly port: number,
    private readonly lockFile?: string,
  ) {}

  /** `dataDir` undefined: a throwaway in-memory database. */
  static async start(dataDir?: string): Promise<EmbeddedPostgres> {
    const lockFile = dataDir ? EmbeddedPostgres.lock(dataDir) : undefined;
    const resolveFrom = createRequire(join(__dirname, 'embedded-postgres.js'));
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { pglite: resolveFrom.resolve('@electric-sql/pglite'), socket: resolveFrom.resolve('@electric-sql/pglite-socket'), dataDir: dataDir ? join(dataDir, 'pgdata') : undefined },
    });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`embedded database worker exited with code ${code}`)));
        worker.on('message', (message: WorkerMessage) => {
          if (message.type === 'ready') resolve(message.port);
          if (message.type === 'error') reject(new Error(`embedded database failed to start: ${message.message}`));
        });
      });
      worker.removeAllListeners('exit');
      return new EmbeddedPostgres(worker, port, lockFile);
    } catch (error) {
      await worker.terminate();
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

  /** Closes the database cleanly (its files are consistent afterwards), then the worker. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 10_000);
      this.worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'stopped') {
          clearTimeout(timer);
          resolve();
        }
      });
      this.worker.postMessage('stop');
    });
    await this.worker.terminate();
    if (this.lockFile) rmSync(this.lockFile, { force: true });
  }
}
