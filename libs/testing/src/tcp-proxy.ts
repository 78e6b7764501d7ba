import { createServer, type Server, type Socket, connect } from 'node:net';

/**
 * A loopback TCP proxy that can cut and restore the link, to simulate a dependency (PostgreSQL,
 * Redis) going down and coming back without touching the shared server other tests use.
 */
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private frozen = false;

  private constructor(
    private readonly upstreamHost: string,
    private readonly upstreamPort: number,
    public port: number,
  ) {}

  static async start(upstreamHost: string, upstreamPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(upstreamHost, upstreamPort, 0);
    await proxy.listen();
    return proxy;
  }

  /** Drops every open connection and refuses new ones, as a stopped server does. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * A silent stall: connections stay open (no RST, no FIN) and new ones are accepted, but every
   * byte in either direction is dropped, as on a dead network path or a hung server.
   */
  freeze(): void {
    this.frozen = true;
  }

  /** Accepts connections again on the same port, and forwards bytes again after freeze(). */
  async restore(): Promise<void> {
    this.frozen = false;
    if (!this.server) await this.listen();
  }

  async close(): Promise<void> {
    await this.cut();
  }

  private listen(): Promise<void> {
    const server = createServer((client) => this.pipe(client));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  }

  private pipe(client: Socket): void {
    if (this.frozen) {
      // Accepted and never answered: nothing reaches the other side.
      this.sockets.add(client);
      client.on('error', () => undefined);
      client.on('data', () => undefined);
      client.on('close', () => this.sockets.delete(client));
      return;
    }
    const upstream = connect(this.upstreamPort, this.upstreamHost);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => {
      if (!this.frozen) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!this.frozen) client.write(chunk);
    });
  }
}
