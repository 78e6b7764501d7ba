import { AppConfig } from '@app/config';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';

/** Every command answers within this, or fails (a 503): a stalled link never hangs a request. */
export const REDIS_COMMAND_TIMEOUT_MS = 2_000;
/** How often each connection is probed; a probe that gets no answer drops and redials the link. */
export const REDIS_WATCHDOG_INTERVAL_MS = 1_000;

/**
 * The shared Redis connection when REDIS_URL is set (null-object otherwise): rate limits,
 * revocations and the event bus use it. Connection errors are logged, never thrown at import.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  private readonly connections: Redis[] = [];
  private readonly watchdogs: NodeJS.Timeout[] = [];
  readonly client: Redis | null;

  constructor(private readonly config: AppConfig) {
    this.client = config.redisUrl ? this.connect('commands') : null;
  }

  get enabled(): boolean {
    return this.client !== null;
  }

  /** A dedicated connection, for subscribers (a subscribed connection cannot run commands). */
  createConnection(purpose: string): Redis {
    if (!this.config.redisUrl) throw new Error('REDIS_URL is not configured');
    return this.connect(purpose);
  }

  /**
   * Resolves when Redis answers (or is not configured), rejects with the ioredis error otherwise.
   * For actions that must not be left half done when Redis is out: check before changing anything.
   */
  async ensureReachable(): Promise<void> {
    if (this.client) await this.ping(REDIS_COMMAND_TIMEOUT_MS);
  }


  async ping(timeoutMs: number): Promise<number> {
    if (!this.client) throw new Error('Redis is not configured');
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.client.ping(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return Math.round((performance.now() - started) * 100) / 100;
    } catch (error) {
      // No answer in time: the link may be a zombie (open socket, bytes dropped) whose reply
      // stream is out of step with its commands. Only a fresh connection recovers from that.
      if (isStall(error)) this.redial(this.client, 'commands', (error as Error).message);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** What Redis says of its memory (INFO memory): bytes used, its maxmemory (null: no limit) and the share used. */
  async memory(): Promise<{ used: number; max: number | null; percentage: number | null }> {
    if (!this.client) throw new Error('Redis is not configured');
    const info = await this.client.info('memory');
    const field = (name: string): number | undefined => {
      const match = new RegExp(`^${name}:(\\d+)\\r?$`, 'm').exec(info);
      return match ? Number(match[1]) : undefined;
    };
    const used = field('used_memory') ?? 0;
    const max = field('maxmemory') || null;
    return { used, max, percentage: max ? Math.round((used / max) * 10_000) / 100 : null };
  }

  async onApplicationShutdown(): Promise<void> {
    for (const timer of this.watchdogs) clearInterval(timer);
    await Promise.all(this.connections.map((connection) => connection.quit().catch(() => connection.disconnect())));
  }

  private connect(purpose: string): Redis {
    const connection = new Redis(this.config.redisUrl as string, {
      lazyConnect: false,
      // Commands fail fast while Redis is down instead of queueing without bound.
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      // Without it a silently stalled link (no RST, no FIN) hangs every command forever.
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      keepAlive: 10_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
      connectionName: `secure-mcp:${purpose}`,
    });
    let lastLogged = 0;
    connection.on('error', (error: Error) => {
      if (Date.now() - lastLogged > 10_000) {
        lastLogged = Date.now();
        this.logger.warn(`redis ${purpose} connection: ${error.message}`);
      }
    });
    this.connections.push(connection);
    this.watch(connection, purpose);
    return connection;
  }

  /**
   * Probes the connection (PING is valid on a subscribed connection too) and redials it when the
   * probe times out: the socket is open but nothing comes back. ioredis re-subscribes and re-selects
   * on reconnect, so pub/sub resumes by itself once the link heals.
   */
  private watch(connection: Redis, purpose: string): void {
    let probing = false;
    const timer = setInterval(() => {
      if (probing || (connection.status !== 'ready' && connection.status !== 'connect')) return;
      probing = true;
      connection
        .ping()
        .catch((error: unknown) => {
          if (isStall(error)) this.redial(connection, purpose, (error as Error).message);
        })
        .finally(() => {
          probing = false;
        });
    }, REDIS_WATCHDOG_INTERVAL_MS);
    timer.unref();
    this.watchdogs.push(timer);
  }

  private redial(connection: Redis, purpose: string, reason: string): void {
    if (connection.status !== 'ready' && connection.status !== 'connect') return;
    this.logger.warn(`redis ${purpose} connection stopped answering (${reason}); reconnecting`);
    const stream = connection.stream as { destroyed?: boolean; destroy?: () => void } | undefined;
    connection.disconnect(true);
    // disconnect() half-closes politely; on a dead link the FIN may never be answered.
    setTimeout(() => {
      if (stream && !stream.destroyed) stream.destroy?.();
    }, REDIS_COMMAND_TIMEOUT_MS).unref();
  }
}

function isStall(error: unknown): boolean {
  return error instanceof Error && /timed out|did not answer/i.test(error.message);
}
