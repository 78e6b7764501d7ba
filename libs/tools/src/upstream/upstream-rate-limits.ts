import type { ErrorDetail } from '@app/common';
import type { UpstreamRateLimitsDto } from '@app/contracts';
import { windowSeconds } from '@app/security';
import { isDeepStrictEqual } from 'node:util';
import type { ToolRateLimit } from '../tool.types';

/** An upstream server's limits as stored: the windows given, and whose budget they are. */
export interface StoredRateLimits {
  requests?: number;
  window?: string;
  requestsPerMinute?: number;
  requestsPerHour?: number;
  requestsPerDay?: number;
  scope?: 'caller' | 'server';
}

const MAX_WINDOW_SECONDS = 86_400;
const NAMED_WINDOWS = [
  ['requestsPerMinute', '1m'],
  ['requestsPerHour', '1h'],
  ['requestsPerDay', '24h'],
] as const;

/** What the contract cannot say: at least one window, `requests` with its `window`, a window of 1 s to 24 h. */
export function rateLimitProblems(input: UpstreamRateLimitsDto | null | undefined): ErrorDetail[] {
  if (!input) return [];
  const problems: ErrorDetail[] = [];
  if ((input.requests === undefined) !== (input.window === undefined)) {
    const missing = input.requests === undefined ? 'requests' : 'window';
    problems.push({ field: `rateLimits.${missing}`, message: 'requests and window go together', code: 'REQUIRED' });
  }
  const seconds = input.window === undefined ? undefined : windowSeconds(input.window);
  if (seconds !== undefined && (seconds < 1 || seconds > MAX_WINDOW_SECONDS)) problems.push({ field: 'rateLimits.window', message: 'a window is 1 s to 24 h', code: 'INVALID_VALUE' });
  if (input.requests === undefined && NAMED_WINDOWS.every(([field]) => input[field] === undefined)) {
    problems.push({ field: 'rateLimits', message: 'give at least one window: requests and window, requestsPerMinute, requestsPerHour or requestsPerDay', code: 'REQUIRED' });
  }
  // Two budgets over the same span would be one budget counted twice: say which one it is.
  const named = NAMED_WINDOWS.find(([field, window]) => input[field] !== undefined && seconds === windowSeconds(window));
  if (named && input.requests !== undefined) problems.push({ field: 'rateLimits.window', message: `${input.window} is the window of ${named[0]}: give one of them`, code: 'DUPLICATE_WINDOW' });
  return problems;
}

/** Only the windows given, and the scope always. */
export function storedRateLimits(input: UpstreamRateLimitsDto): StoredRateLimits {
  return {
    ...(input.requests !== undefined && input.window !== undefined ? { requests: input.requests, window: input.window } : {}),
    ...Object.fromEntries(NAMED_WINDOWS.flatMap(([field]) => (input[field] === undefined ? [] : [[field, input[field]]]))),
    scope: input.scope ?? 'caller',
  };
}

/** Whether the limits sent are those stored (read as answered: a stored row without scope is per caller). */
export function sameRateLimits(input: UpstreamRateLimitsDto | null | undefined, stored: StoredRateLimits | null): boolean {
  if (!input || !stored) return !input && !stored;
  // As sent, not as it would be stored: a `requests` without its `window` must still be refused.
  const sent = Object.fromEntries(Object.entries({ ...input, scope: input.scope ?? 'caller' }).filter(([, value]) => value !== undefined));
  return isDeepStrictEqual(sent, { ...stored, scope: stored.scope ?? 'caller' });
}

/** Each window as a limit on the server's tools, shortest first (stored before scope existed: per caller). */
export function toolRateLimits(stored: StoredRateLimits | null): ToolRateLimit[] | undefined {
  if (!stored) return undefined;
  const scope = stored.scope ?? 'caller';
  const limits: ToolRateLimit[] = [
    ...(stored.requests !== undefined && stored.window !== undefined ? [{ requests: stored.requests, window: stored.window, scope }] : []),
    ...NAMED_WINDOWS.flatMap(([field, window]) => (stored[field] === undefined ? [] : [{ requests: stored[field], window, scope }])),
  ];
  return limits.sort((a, b) => (windowSeconds(a.window) ?? 0) - (windowSeconds(b.window) ?? 0));
}
