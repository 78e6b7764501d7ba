import { describe, expect, it } from 'vitest';
import { rateLimitProblems, sameRateLimits, storedRateLimits, toolRateLimits } from './upstream-rate-limits';

describe('upstream rate limits', () => {
  it('knows limits sent back as answered, and nothing else, for the stored ones', () => {
    expect(sameRateLimits({ requests: 2, window: '48h', scope: 'caller' }, { requests: 2, window: '48h' })).toBe(true);
    expect(sameRateLimits({ requests: 2, window: '48h' }, { requests: 2, window: '48h', scope: 'caller' })).toBe(true);
    // Half a window beside the stored one is new (and refused), not dropped as storing it would.
    expect(sameRateLimits({ requestsPerHour: 10, requests: 5 }, { requestsPerHour: 10, scope: 'caller' })).toBe(false);
    expect(sameRateLimits({ requestsPerHour: 10, scope: 'server' }, { requestsPerHour: 10, scope: 'caller' })).toBe(false);
    expect(sameRateLimits(null, null)).toBe(true);
    expect(sameRateLimits({ requestsPerHour: 10 }, null)).toBe(false);
  });

  it('lists every window shortest first, whatever order they were given in', () => {
    expect(toolRateLimits({ requestsPerDay: 100, requests: 5, window: '2h', requestsPerMinute: 3, scope: 'server' })).toEqual([
      { requests: 3, window: '1m', scope: 'server' },
      { requests: 5, window: '2h', scope: 'server' },
      { requests: 100, window: '24h', scope: 'server' },
    ]);
  });

  it('reads a limit stored before scope existed as per caller, and none as none', () => {
    expect(toolRateLimits({ requests: 2, window: '1m' })).toEqual([{ requests: 2, window: '1m', scope: 'caller' }]);
    expect(toolRateLimits(null)).toBeUndefined();
  });

  it('stores only the windows given, with the scope', () => {
    expect(storedRateLimits({ requestsPerHour: 10 })).toEqual({ requestsPerHour: 10, scope: 'caller' });
  });

  it('wants a window, requests with its window, and windows of 1 s to 24 h', () => {
    expect(rateLimitProblems({ scope: 'server' }).map((problem) => problem.field)).toEqual(['rateLimits']);
    expect(rateLimitProblems({ requests: 1 }).map((problem) => problem.field)).toEqual(['rateLimits.window']);
    expect(rateLimitProblems({ window: '1m', requestsPerDay: 1 }).map((problem) => problem.field)).toEqual(['rateLimits.requests']);
    expect(rateLimitProblems({ requests: 1, window: '86401s' }).map((problem) => problem.field)).toEqual(['rateLimits.window']);
    expect(rateLimitProblems({ requests: 1, window: '24h' })).toEqual([]);
    expect(rateLimitProblems({ requests: 1, window: '1s' })).toEqual([]);
    expect(rateLimitProblems(null)).toEqual([]);
  });
});
