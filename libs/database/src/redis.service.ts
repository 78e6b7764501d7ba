import { AppConfig } from '@app/config';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';

/**
 * The shared Redis connection when REDIS_URL is set (null-object otherwise): rate limits,
 * revocations and the event bus use it. Connection errors are logged, never thrown at import.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  private readonly connections: Redis[] = [];
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
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.connections.map((connection) => connection.quit().catch(() => connection.disconnect())));
  }

  private connect(purpose: string): Redis {
    const connection = new Redis(this.config.redisUrl as string, {
      lazyConnect: false,
      // Commands fail fast while Redis is down instead of queueing without bound.
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
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
    return connection;
  }
}
