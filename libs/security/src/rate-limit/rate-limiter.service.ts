import { ApiError } from '@app/common';
import { AppConfig, type RateLimitRule } from '@app/config';
import { RedisService } from '@app/database';
import { Injectable, Logger } from '@nestjs/common';
import { MemoryRateLimitStore, RedisRateLimitStore, type RateLimitStore } from './rate-limit.store';

export interface RateLimitState {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Epoch seconds when the window resets. */
  readonly reset: number;
  /** Seconds to wait when refused. */
  readonly retryAfter: number;
}

export type RateLimitRuleName = keyof AppConfig['rateLimits'];

/** The one limiter every door uses: REST guard, WebSocket messages, tool limits, login lockout. */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger('RateLimiter');
  readonly store: RateLimitStore;

  constructor(
    private readonly config: AppConfig,
    redis: RedisService,
  ) {
    this.store = redis.client ? new RedisRateLimitStore(redis.client, config.redisKeyPrefix) : new MemoryRateLimitStore();
  }

  rule(name: RateLimitRuleName): RateLimitRule {
    return this.config.rateLimits[name];
  }

  /** Counts one hit on `key` under `rule`; a store failure is a 503, never a silent pass. */
  async consume(key: string, rule: RateLimitRule): Promise<RateLimitState> {
    let hit;
    try {
      hit = await this.store.hit(key, rule);
    } catch (error) {
      this.logger.warn(`rate-limit store unavailable: ${(error as Error).message}`);
      throw ApiError.unavailable('Rate limiting is unavailable; try again shortly', error);
    }
    const retryAfter = Math.max(1, Math.ceil((hit.resetAt - Date.now()) / 1000));
    return {
      allowed: hit.count <= rule.limit,
      limit: rule.limit,
      remaining: Math.max(0, rule.limit - hit.count),
      reset: Math.ceil(hit.resetAt / 1000),
      retryAfter,
    };
  }
}

/** The standard headers for a limited answer; Retry-After only when refused. */
export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  const headers: Record<string, string> = {
    'X-RateLimit-Limit': String(state.limit),
    'X-RateLimit-Remaining': String(state.remaining),
    'X-RateLimit-Reset': String(state.reset),
  };
  if (!state.allowed) headers['Retry-After'] = String(state.retryAfter);
  return headers;
}

export function rateLimitExceeded(state: RateLimitState, message = 'Too many requests'): ApiError {
  return new ApiError(429, 'RATE_LIMIT_EXCEEDED', `${message}; retry in ${state.retryAfter} s`, { headers: rateLimitHeaders(state) });
}

/** A lock-out after too many failures, answered like any limit: the headers say when it lifts. */
export function lockedOut(limit: number, lockedMs: number, message: string): ApiError {
  const retryAfter = Math.max(1, Math.ceil(lockedMs / 1000));
  return rateLimitExceeded({ allowed: false, limit, remaining: 0, reset: Math.ceil((Date.now() + lockedMs) / 1000), retryAfter }, message);
}
