import { ApiError } from '@app/common';
import type { UpstreamConnection } from './upstream-connection';

interface Pooled {
  readonly serverId: string;
  readonly userId: string;
  readonly connection: UpstreamConnection;
  ready: Promise<void>;
  lastUsed: number;
  inFlight: number;
}

const SWEEP_EVERY_MS = 5_000;

/**
 * The connections made with configurations of a server, on this instance, each held by a user or
 * by an organization (`userId` is then `org:<id>`, shared by its members): opened at the first
 * call, shared by the holder's calls, closed after `idleMs` without one. At most `max` at
 * once over all servers; past it the least recently used idle one closes, and with none idle the
 * call is refused (503), never queued without end.
 */
export class UserConnections {
  private readonly pool = new Map<string, Pooled>();
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly max: number,
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs `use` on the user's connection to the server, opening it with `open` when there is none. */
  async run<T>(serverId: string, userId: string, open: () => UpstreamConnection, use: (connection: UpstreamConnection) => Promise<T>): Promise<T> {
    const pooled = this.pool.get(keyOf(serverId, userId)) ?? this.add(serverId, userId, open());
    pooled.inFlight++;
    pooled.lastUsed = this.now();
    try {
      await pooled.ready;
      return await use(pooled.connection);
    } finally {
      pooled.inFlight--;
      pooled.lastUsed = this.now();
    }
  }

  /** How many users' connections to the server are open here. */
  count(serverId: string): number {
    let count = 0;
    for (const pooled of this.pool.values()) if (pooled.serverId === serverId) count++;
    return count;
  }

  /** Whether the user's connection to the server is open here. */
  holds(serverId: string, userId: string): boolean {
    return this.pool.has(keyOf(serverId, userId));
  }

  /** Closes a user's connection to a server (their configuration changed or went). */
  async drop(serverId: string, userId: string): Promise<void> {
    const pooled = this.pool.get(keyOf(serverId, userId));
    if (pooled) await this.close(pooled);
  }

  /** Closes every user's connection to a server (the server changed, went or was disconnected). */
  async dropServer(serverId: string): Promise<void> {
    await Promise.all([...this.pool.values()].filter((pooled) => pooled.serverId === serverId).map((pooled) => this.close(pooled)));
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    await Promise.all([...this.pool.values()].map((pooled) => this.close(pooled)));
  }

  /** Closes the connections idle for longer than idleMs; answers how many. */
  async sweep(): Promise<number> {
    const idle = [...this.pool.values()].filter((pooled) => pooled.inFlight === 0 && this.now() - pooled.lastUsed >= this.idleMs);
    await Promise.all(idle.map((pooled) => this.close(pooled)));
    if (this.pool.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
    return idle.length;
  }

  private add(serverId: string, userId: string, connection: UpstreamConnection): Pooled {
    if (this.pool.size >= this.max) this.evictOne(connection);
    const pooled: Pooled = { serverId, userId, connection, ready: Promise.resolve(), lastUsed: this.now(), inFlight: 0 };
    // A connection that cannot be opened leaves the pool at once: the next call tries afresh, nothing retries in the background.
    pooled.ready = connection.connect().catch(async (error: unknown) => {
      await this.close(pooled);
      throw error;
    });
    pooled.ready.catch(() => undefined);
    this.pool.set(keyOf(serverId, userId), pooled);
    this.sweeper ??= setInterval(() => void this.sweep(), Math.min(SWEEP_EVERY_MS, this.idleMs)).unref();
    return pooled;
  }

  private evictOne(incoming: UpstreamConnection): void {
    let oldest: Pooled | undefined;
    for (const pooled of this.pool.values()) if (pooled.inFlight === 0 && (!oldest || pooled.lastUsed < oldest.lastUsed)) oldest = pooled;
    if (!oldest) {
      void incoming.disconnect();
      throw new ApiError(503, 'SERVICE_UNAVAILABLE', `Every one of the ${this.max} connections for users' own configurations is busy on this instance: try again shortly`, { headers: { 'Retry-After': '1' } });
    }
    void this.close(oldest);
  }

  private async close(pooled: Pooled): Promise<void> {
    const key = keyOf(pooled.serverId, pooled.userId);
    if (this.pool.get(key)?.connection === pooled.connection) this.pool.delete(key);
    await pooled.connection.disconnect();
  }
}

function keyOf(serverId: string, userId: string): string {
  return `${serverId} ${userId}`;
}
