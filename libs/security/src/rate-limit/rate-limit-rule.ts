import type { RateLimitRule } from '@app/config';

const WINDOW_UNITS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** A contract's `{requests, window: '1m'}` as a rule; a window shorter than a second counts as one. */
export function rateLimitRule(limit: { readonly requests: number; readonly window: string }): RateLimitRule {
  const match = /^(\d+)(ms|s|m|h)$/.exec(limit.window);
  return { limit: limit.requests, windowSeconds: match ? Math.max(1, Math.round(Number(match[1]) * WINDOW_UNITS[match[2]])) : 60 };
}
