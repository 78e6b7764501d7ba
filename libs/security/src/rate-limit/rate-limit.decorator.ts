import { SetMetadata } from '@nestjs/common';
import type { RateLimitRuleName } from './rate-limiter.service';

/** Whose budget a request spends: the caller (or its IP when anonymous), its IP, email-and-IP, or the email whatever the IP. */
export type RateLimitKey = 'user' | 'ip' | 'email+ip' | 'email';

export interface RateLimitSpec {
  readonly rule: RateLimitRuleName;
  readonly by: RateLimitKey;
}

export const RATE_LIMITS = 'security:rate-limits';

/**
 * Limits for a route, each from the configured rule table; all must allow the request. A route
 * without the decorator spends the `api` rule; with it and no limits, none (a door that limits each
 * message itself, or probes).
 */
export const RateLimit = (...limits: RateLimitSpec[]): MethodDecorator & ClassDecorator => SetMetadata(RATE_LIMITS, limits);
