import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { WORKER_SOURCE } from './embedded-postgres.worker-source';
import { WorkerSocket } from './worker-socket';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

type WorkerMessage = { type: 'ready'; port: number | null } | { type: 'error'; message: string } | { type: 'stopped' };

export interface EmbeddedPostgresOptions {
  /** Serve it on a loopback TCP port (`port`) instead of in-process connections: for tests that cut a real socket. */
  readonly tcp?: boolean;
}

/**
 * PGlite (PostgreSQL as WebAssembly) in a worker thread, so it does not compete with requests on
 * the event loop. The ordinary `pg` driver reaches it through `socket()`, a stream over a
 * MessagePort, so the same SQL runs on the embedded default and on a real PostgreSQL. PGlite has
 * one session, which the worker hands to one connection at a time.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly worker: Worker,
    /** The loopback port, when started with `tcp`. */
    readonly port: number | null,
    private readonly lockFile?: string,
  ) {}

  /** `dataDir` undefined: a throwaway in-memory database. */
  static async start(dataDir?: string, options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
    const lockFile = dataDir ? EmbeddedPostgres.lock(dataDir) : undefined;
    const resolveFrom = createRequire(join(__dirname, 'embedded-postgres.js'));
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        pglite: resolveFrom.resolve('@electric-sql/pglite'),
        socket: resolveFrom.resolve('@electric-sql/pglite-socket'),
        dataDir: dataDir ? join(dataDir, 'pgdata') : undefined,
        tcp: options.tcp === true,
      },
    });
    try {
      const port = await new Promise<number | null>((resolve, reject) => {
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

  /** A new connection's socket, for pg's `stream` option. */
  socket(): WorkerSocket {
    return new WorkerSocket(() => this.openPort());
  }

  private openPort(): MessagePort {
    const { port1, port2 } = new MessageChannel();
    this.worker.postMessage({ type: 'open', port: port2 }, [port2]);
    return port1;
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
