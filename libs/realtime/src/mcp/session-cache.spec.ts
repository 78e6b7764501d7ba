import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionCache } from './session-cache';

describe('SessionCache', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers an entry while fresh, and drops it once stale instead of keeping it', () => {
    vi.useFakeTimers();
    const cache = new SessionCache<string>(30_000, 10);
    cache.set('a', 'A');
    vi.advanceTimersByTime(30_000);
    expect(cache.get('a')).toBe('A');
    vi.advanceTimersByTime(1);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('sweeps idle entries nobody asks for again, keeping the fresh ones', () => {
    vi.useFakeTimers();
    const cache = new SessionCache<number>(30_000, 1_000);
    for (let i = 0; i < 500; i++) cache.set(`idle-${i}`, i);
    vi.advanceTimersByTime(20_000);
    cache.set('recent', 1);
    // Stored again: it counts from now, not from its first storing.
    cache.set('idle-0', 0);
    vi.advanceTimersByTime(10_001);
    cache.sweep();
    expect(cache.size).toBe(2);
    expect([cache.get('recent'), cache.get('idle-0'), cache.get('idle-1')]).toEqual([1, 0, undefined]);
  });

  it('holds at most its maximum, letting the one stored longest ago go', () => {
    const cache = new SessionCache<number>(30_000, 3);
    for (const id of ['a', 'b', 'c']) cache.set(id, 0);
    cache.set('a', 1);
    cache.set('d', 2);
    expect(cache.size).toBe(3);
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.get('d')]).toEqual([1, undefined, 0, 2]);
  });
});
