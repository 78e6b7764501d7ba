import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryRateLimitStore } from './rate-limit.store';

describe('MemoryRateLimitStore', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts hits in a fixed window and starts a new one when it ends', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const store = new MemoryRateLimitStore();
    const rule = { limit: 2, windowSeconds: 10 };
    expect(await store.hit('k', rule)).toEqual({ count: 1, resetAt: 1_010_000 });
    expect((await store.hit('k', rule)).count).toBe(2);
    expect((await store.hit('other', rule)).count).toBe(1);
    vi.setSystemTime(1_010_000);
    expect(await store.hit('k', rule)).toEqual({ count: 1, resetAt: 1_020_000 });
    store.close();
  });

  it('locks expire by themselves', async () => {
    vi.useFakeTimers({ now: 5_000 });
    const store = new MemoryRateLimitStore();
    await store.lock('a', 1_000);
    expect(await store.lockedFor('a')).toBe(1_000);
    vi.setSystemTime(5_600);
    expect(await store.lockedFor('a')).toBe(400);
    vi.setSystemTime(6_001);
    expect(await store.lockedFor('a')).toBe(0);
    expect(await store.lockedFor('never')).toBe(0);
    store.close();
  });

  it('reset clears a counter', async () => {
    const store = new MemoryRateLimitStore();
    const rule = { limit: 5, windowSeconds: 60 };
    await store.hit('k', rule);
    await store.hit('k', rule);
    await store.reset('k');
    expect((await store.hit('k', rule)).count).toBe(1);
    store.close();
  });
});
