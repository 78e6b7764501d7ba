import { Duplex } from 'node:stream';

/** The embedded database's side of a connection: the channel every connection shares. */
export interface WorkerLink {
  /** Opens a connection for this socket and returns its id. */
  open(socket: WorkerSocket): number;
  /** Moves these bytes to the worker (the caller owns their buffer and gives it up). */
  send(id: number, bytes: Uint8Array): void;
  end(id: number): void;
}

/**
 * What the `pg` driver takes for a socket, carried to the embedded database's worker thread over
 * the channel all connections share: no loopback TCP in between, and no port any other local
 * process could reach.
 */
export class WorkerSocket extends Duplex {
  private id?: number;

  constructor(private readonly link: WorkerLink) {
    super();
  }

  /** pg calls this with a host and port; the worker is the only place to go. */
  connect(): this {
    try {
      this.id = this.link.open(this);
    } catch (error) {
      process.nextTick(() => this.destroy(error as Error));
      return this;
    }
    process.nextTick(() => this.emit('connect'));
    return this;
  }

  /** The worker's answer for this connection. */
  receive(data: Uint8Array): void {
    this.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  /** The worker dropped this connection (or is gone). */
  closedByWorker(): void {
    this.id = undefined;
    this.push(null);
    this.destroy();
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  override _read(): void {
    // Data is pushed as the worker answers.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    callback(this.post(chunk));
  }

  // pg corks a query's messages: they cross to the worker as one message.
  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    callback(this.post(chunks.length === 1 ? chunks[0].chunk : Buffer.concat(chunks.map((entry) => entry.chunk))));
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.close();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.close();
    callback(error);
  }

  private close(): void {
    if (this.id === undefined) return;
    this.link.end(this.id);
    this.id = undefined;
  }

  private post(bytes: Buffer): Error | null {
    if (this.id === undefined) return Object.assign(new Error('The embedded database connection is not open'), { code: 'EPIPE' });
    // A copy of exactly these bytes (a Buffer may be a view into a shared pool), then moved, not copied again.
    this.link.send(this.id, new Uint8Array(bytes));
    return null;
  }
}
