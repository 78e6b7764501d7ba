import { Duplex } from 'node:stream';
import type { MessagePort } from 'node:worker_threads';

/**
 * What the `pg` driver takes for a socket, carried over a MessagePort to the embedded database's
 * worker thread: no loopback TCP in between, and no port any other local process could reach.
 */
export class WorkerSocket extends Duplex {
  private port?: MessagePort;

  constructor(private readonly openPort: () => MessagePort) {
    super();
  }

  /** pg calls this with a host and port; the worker is the only place to go. */
  connect(): this {
    const port = this.openPort();
    this.port = port;
    port.on('message', (data: Uint8Array) => this.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength)));
    port.on('close', () => {
      this.push(null);
      this.destroy();
    });
    process.nextTick(() => this.emit('connect'));
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  ref(): this {
    this.port?.ref();
    return this;
  }

  unref(): this {
    this.port?.unref();
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
    this.port?.postMessage('end');
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.port?.close();
    callback(error);
  }

  private post(bytes: Buffer): Error | null {
    if (!this.port) return Object.assign(new Error('The embedded database connection is not open'), { code: 'EPIPE' });
    // A copy of exactly these bytes (a Buffer may be a view into a shared pool), then moved, not copied again.
    const copy = new Uint8Array(bytes);
    this.port.postMessage(copy, [copy.buffer]);
    return null;
  }
}
