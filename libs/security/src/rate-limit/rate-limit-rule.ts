import type { RateLimitRule } from '@app/config';

const WINDOW_UNITS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** A contract's window (`500ms`, `30s`, `1m`, `2h`) in seconds, as written; undefined when it is not one. */
export function windowSeconds(window: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h)$/.exec(window);
  return match ? Number(match[1]) * WINDOW_UNITS[match[2]] : undefined;
}

/** A contract's `{requests, window: '1m'}` as a rule; a window shorter than a second counts as one. */
export function rateLimitRule(limit: { readonly requests: number; readonly window: string }): RateLimitRule {
  const seconds = windowSeconds(limit.window);
  return { limit: limit.requests, windowSeconds: seconds === undefined ? 60 : Math.max(1, Math.round(seconds)) };
}
