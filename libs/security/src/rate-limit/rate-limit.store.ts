import type { RateLimitRule } from '@app/config';
import type Redis from 'ioredis';

export interface WindowCount {
  /** Hits in the current window, including this one. */
  readonly count: number;
  /** When the window ends (epoch ms). */
  readonly resetAt: number;
}

/** Fixed-window counters and timed locks, shared by every limiter; O(1) work per hit. */
export interface RateLimitStore {
  hit(key: string, rule: RateLimitRule): Promise<WindowCount>;
  reset(key: string): Promise<void>;
  /** Sets a lock that expires by itself. */
  lock(key: string, ttlMs: number): Promise<void>;
  /** Milliseconds the lock still holds, 0 when not locked. */
  lockedFor(key: string): Promise<number>;
}

const SWEEP_INTERVAL_MS = 60_000;

export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private readonly locks = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;

  constructor() {
    // Expired entries are dropped in the background, never scanned per request.
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async hit(key: string, rule: RateLimitRule): Promise<WindowCount> {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + rule.windowSeconds * 1000 };
      this.windows.set(key, window);
    }
    window.count++;
    return { count: window.count, resetAt: window.resetAt };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  async lock(key: string, ttlMs: number): Promise<void> {
    this.locks.set(key, Date.now() + ttlMs);
  }

  async lockedFor(key: string): Promise<number> {
    const until = this.locks.get(key);
    return until === undefined ? 0 : Math.max(0, until - Date.now());
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
    for (const [key, until] of this.locks) if (until <= now) this.locks.delete(key);
  }
}

// One round trip, atomic: count the hit, start the window on the first one, report its end.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

/** Counters shared by every instance through Redis. */
export class RedisRateLimitStore implements RateLimitStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async hit(key: string, rule: RateLimitRule): Promise<WindowCount> {
    const [count, ttl] = (await this.redis.eval(HIT_SCRIPT, 1, this.key(key), String(rule.windowSeconds * 1000))) as [number, number];
    return { count, resetAt: Date.now() + ttl };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.key(key));
  }

  async lock(key: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.key(`lock:${key}`), '1', 'PX', Math.max(1, Math.round(ttlMs)));
  }

  async lockedFor(key: string): Promise<number> {
    return Math.max(0, await this.redis.pttl(this.key(`lock:${key}`)));
  }

  private key(key: string): string {
    return `${this.prefix}rl:${key}`;
  }
}
