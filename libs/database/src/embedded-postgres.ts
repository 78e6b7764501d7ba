import { Logger } from '@nestjs/common';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import type { AppendRollup } from './append-log';
import { WORKER_SOURCE } from './embedded-postgres.worker-source';
import { type WorkerLink, WorkerSocket } from './worker-socket';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

type WorkerMessage = { type: 'ready'; port: number | null; oldTemplates: string[] } | { type: 'error'; message: string } | { type: 'warning'; message: string } | { type: 'stopped'; error?: string };

type WorkerData = Record<string, unknown> & { dataDir?: string };

/** What comes back on the channel: a connection's bytes, its closing, or an append unit's outcome. */
type ChannelMessage = { c: number; b: Uint8Array } | { x: number } | { a: number; failed: RejectedRow[] };

/**
 * PostgreSQL settings of the embedded database, on top of PGlite's defaults. The default 128 MB
 * of shared buffers took about 400 MB of the app's resident memory (854 against 436-454 MiB at
 * rest after a login); 32 MB cost no measurable speed under load. (Turning wal_init_zero and
 * full_page_writes off saved nothing measurable once run and audit ids were time-ordered:
 * bench/append-ab.mjs, 2026-12-04.)
 */
export const EMBEDDED_SETTINGS: readonly string[] = ['shared_buffers=32MB'];

// Single-user PostgreSQL has no checkpointer: the worker checkpoints at these, as max_wal_size and
// checkpoint_timeout would.
const CHECKPOINT_WAL_BYTES = 64 * 1024 * 1024;
const CHECKPOINT_INTERVAL_MS = 5 * 60 * 1000;
// Nor has it autovacuum: the worker looks for a table to vacuum this often, and a start freezes the
// template databases once their oldest transaction id is this old (wraparound stops writes near 2^31).
const VACUUM_CHECK_MS = 10_000;
const TEMPLATE_FREEZE_AGE = 100_000_000;

export interface EmbeddedPostgresOptions {
  /** Serve it on a loopback TCP port (`port`) instead of in-process connections: for tests that cut a real socket. */
  readonly tcp?: boolean;
  /** PostgreSQL settings (`name=value`) instead of EMBEDDED_SETTINGS: for benchmarks that compare them. */
  readonly settings?: readonly string[];
  /** WAL written since the last checkpoint that calls for the next one (default 64 MiB, as max_wal_size would). */
  readonly checkpointWalBytes?: number;
  /** Time after which any WAL written calls for a checkpoint (default 5 min, as checkpoint_timeout would). */
  readonly checkpointIntervalMs?: number;
  /** How often the worker looks for a table that needs vacuuming or analyzing (default 10 s). */
  readonly vacuumCheckMs?: number;
  /** Age (in transaction ids) past which a start freezes the template databases (default 100 million). */
  readonly templateFreezeAge?: number;
  /** Counts the append units keep beside their tables (see AppendRollup). */
  readonly rollups?: readonly AppendRollup[];
  /** A memory database only: start from this tarball of a data directory (see `stop`'s `dumpTo`) instead of an empty cluster. */
  readonly template?: string;
}

/** Rows for one table: its name, its column list (quoted, comma-separated) and the rows as a JSON array of objects. */
export type AppendGroup = readonly [table: string, quotedColumns: string, rowsJson: string];

/** A row the database refused (its JSON object), with PostgreSQL's reason. */
export interface RejectedRow {
  readonly table?: string;
  readonly row?: unknown;
  readonly code: string;
  readonly message: string;
}

// Matches isDatabaseUnavailable's patterns: callers answer 503, not 500.
const WORKER_GONE = 'Connection terminated: the embedded database worker stopped';

/**
 * PGlite (PostgreSQL as WebAssembly) in a worker thread, so it does not compete with requests on
 * the event loop. The ordinary `pg` driver reaches it through `socket()`, a stream over the one
 * channel to the worker, so the same SQL runs on the embedded default and on a real PostgreSQL.
 * PGlite has one session, which the worker hands to one connection at a time.
 *
 * Everything crosses on one MessagePort, so the worker runs it in the order it was sent: rows
 * given to `append` are visible to every statement sent after the call returns.
 */
export class EmbeddedPostgres implements WorkerLink {
  private readonly sockets = new Map<number, WorkerSocket>();
  private readonly appends = new Map<number, { resolve: (failed: RejectedRow[]) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private gone: Error | null = null;
  private readonly logger = new Logger('EmbeddedPostgres');

  private constructor(
    private readonly worker: Worker,
    private readonly channel: MessagePort,
    /** The loopback port, when started with `tcp`. */
    readonly port: number | null,
    private readonly lockFile?: string,
  ) {
    channel.on('message', (message: ChannelMessage) => this.receive(message));
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'warning') this.logger.warn(message.message);
    });
    // A worker that dies takes every connection and every unconfirmed append with it.
    worker.on('exit', () => this.lose(new Error(WORKER_GONE)));
    worker.on('error', (error) => this.lose(new Error(`${WORKER_GONE}: ${error.message}`)));
  }

  /** `dataDir` undefined: a throwaway in-memory database. */
  static async start(dataDir?: string, options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
    const lockFile = dataDir ? EmbeddedPostgres.lock(dataDir) : undefined;
    const resolveFrom = createRequire(join(__dirname, 'embedded-postgres.js'));
    const workerData: WorkerData = {
      pglite: resolveFrom.resolve('@electric-sql/pglite'),
      socket: resolveFrom.resolve('@electric-sql/pglite-socket'),
      dataDir: dataDir ? join(dataDir, 'pgdata') : undefined,
      tcp: options.tcp === true,
      settings: options.settings ?? EMBEDDED_SETTINGS,
      checkpointWalBytes: options.checkpointWalBytes ?? CHECKPOINT_WAL_BYTES,
      checkpointIntervalMs: options.checkpointIntervalMs ?? CHECKPOINT_INTERVAL_MS,
      vacuumCheckMs: options.vacuumCheckMs ?? VACUUM_CHECK_MS,
      templateFreezeAge: options.templateFreezeAge ?? TEMPLATE_FREEZE_AGE,
      rollups: options.rollups ?? [],
      template: dataDir ? undefined : options.template,
    };
    let worker: Worker | undefined;
    try {
      if (workerData.dataDir && !existsSync(join(workerData.dataDir, 'PG_VERSION'))) await EmbeddedPostgres.runOnce({ ...workerData, initializeOnly: true });
      worker = EmbeddedPostgres.spawn(workerData);
      const ready = await EmbeddedPostgres.started(worker);
      let port = ready.port;
      if (ready.oldTemplates.length > 0) {
        // Only one PGlite may hold the directory: the serving worker steps aside while they are frozen.
        await EmbeddedPostgres.stopWorker(worker);
        await EmbeddedPostgres.runOnce({ ...workerData, freezeDatabases: ready.oldTemplates });
        worker = EmbeddedPostgres.spawn(workerData);
        port = (await EmbeddedPostgres.started(worker)).port;
      }
      const { port1, port2 } = new MessageChannel();
      worker.postMessage({ type: 'channel', port: port2 }, [port2]);
      return new EmbeddedPostgres(worker, port1, port, lockFile);
    } catch (error) {
      await worker?.terminate();
      if (lockFile) rmSync(lockFile, { force: true });
      throw error;
    }
  }

  /**
   * A worker that does one task and ends, its memory with it: making a new cluster
   * (`initializeOnly`; initdb runs a second PostgreSQL instance beside a copy of the first one's
   * heap, which an idle server never collected: a first start held 810 MiB at rest, a restart
   * 330 MiB), or freezing other databases than the serving one (`freezeDatabases`).
   */
  private static async runOnce(workerData: WorkerData): Promise<void> {
    const worker = EmbeddedPostgres.spawn(workerData);
    try {
      await EmbeddedPostgres.started(worker);
    } finally {
      await worker.terminate();
    }
  }

  /** Asks the worker to close the database cleanly (waiting up to 10 s), then ends it. */
  private static async stopWorker(worker: Worker, dumpTo?: string): Promise<void> {
    let failure: string | undefined;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 10_000);
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'stopped') {
          clearTimeout(timer);
          failure = message.error;
          resolve();
        }
      });
      worker.postMessage({ type: 'stop', dumpTo });
    });
    await worker.terminate();
    if (failure) throw new Error(`embedded database could not be dumped: ${failure}`);
  }

  private static spawn(workerData: WorkerData): Worker {
    return new Worker(WORKER_SOURCE, { eval: true, workerData });
  }

  /** Resolves once the worker is ready (with its loopback port, null without tcp), or rejects with why it is not. */
  private static async started(worker: Worker): Promise<{ port: number | null; oldTemplates: string[] }> {
    try {
      return await new Promise<{ port: number | null; oldTemplates: string[] }>((resolve, reject) => {
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`embedded database worker exited with code ${code}`)));
        worker.on('message', (message: WorkerMessage) => {
          if (message.type === 'ready') resolve({ port: message.port, oldTemplates: message.oldTemplates });
          if (message.type === 'error') reject(new Error(`embedded database failed to start: ${message.message}`));
        });
      });
    } finally {
      worker.removeAllListeners('exit');
      worker.removeAllListeners('error');
      worker.removeAllListeners('message');
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
    return new WorkerSocket(this);
  }

  /**
   * Sends rows to be inserted, all in one transaction, after everything sent before and before
   * everything sent later. Resolves once the worker has stored them, with the rows it refused
   * (the others are stored); rejects only when the database is gone.
   */
  append(groups: readonly AppendGroup[], options: { replay?: boolean } = {}): Promise<RejectedRow[]> {
    if (this.gone) return Promise.reject(this.gone);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.appends.set(id, { resolve, reject });
      this.channel.postMessage(options.replay ? { a: id, g: groups, r: true } : { a: id, g: groups });
    });
  }

  // ---------------------------------------------------------------- WorkerLink (for WorkerSocket)

  open(socket: WorkerSocket): number {
    if (this.gone) throw this.gone;
    const id = this.nextId++;
    this.sockets.set(id, socket);
    this.channel.postMessage({ o: id });
    return id;
  }

  send(id: number, bytes: Uint8Array): void {
    this.channel.postMessage({ c: id, b: bytes }, [bytes.buffer as ArrayBuffer]);
  }

  /** The socket closes once the worker answers that the connection is gone. */
  end(id: number): void {
    if (this.sockets.has(id)) this.channel.postMessage({ e: id });
  }

  private receive(message: ChannelMessage): void {
    if ('a' in message) {
      const waiting = this.appends.get(message.a);
      this.appends.delete(message.a);
      waiting?.resolve(message.failed);
    } else if ('x' in message) {
      const socket = this.sockets.get(message.x);
      this.sockets.delete(message.x);
      socket?.closedByWorker();
    } else {
      this.sockets.get(message.c)?.receive(message.b);
    }
  }

  private lose(error: Error): void {
    if (this.gone) return;
    this.gone = error;
    for (const { reject } of this.appends.values()) reject(error);
    this.appends.clear();
    for (const socket of this.sockets.values()) socket.closedByWorker();
    this.sockets.clear();
  }

  /** Closes the database cleanly (its files are consistent afterwards), then the worker. */
  /**
   * Closes the database. With `dumpTo`, first checkpoints and writes its whole data directory there
   * as a tarball, from which memory databases can start (`template`) without making a cluster.
   */
  async stop(options: { dumpTo?: string } = {}): Promise<void> {
    try {
      await EmbeddedPostgres.stopWorker(this.worker, options.dumpTo);
    } finally {
      this.lose(new Error(WORKER_GONE));
      this.channel.close();
      if (this.lockFile) rmSync(this.lockFile, { force: true });
    }
  }
}
