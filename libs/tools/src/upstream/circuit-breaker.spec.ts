import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker';

describe('CircuitBreaker', () => {
  function breaker() {
    let now = 0;
    const b = new CircuitBreaker('up', 3, 1000, () => now);
    return { b, advance: (ms: number) => (now += ms) };
  }

  it('opens after the threshold of consecutive failures and says why', () => {
    const { b } = breaker();
    b.failed('boom');
    b.failed('boom');
    expect(b.state).toBe('closed');
    b.succeeded();
    b.failed('a');
    b.failed('b');
    b.failed('c');
    expect(b.state).toBe('open');
    expect(() => b.guard()).toThrow(expect.objectContaining({ status: 503, message: expect.stringContaining('3 consecutive failures (last: c)') }));
  });

  it('lets one probe through after the cool-down, then closes on success or reopens on failure', () => {
    const { b, advance } = breaker();
    for (let i = 0; i < 3; i++) b.failed('x');
    advance(1000);
    expect(b.state).toBe('half-open');
    expect(() => b.guard()).not.toThrow();
    expect(() => b.guard()).toThrow(expect.objectContaining({ status: 503 }));
    b.failed('still down');
    expect(b.state).toBe('open');
    advance(1000);
    b.guard();
    b.succeeded();
    expect(b.state).toBe('closed');
    expect(() => b.guard()).not.toThrow();
  });
});

describe('CircuitBreaker: a probe that ends without a verdict', () => {
  function halfOpen() {
    let now = 0;
    const b = new CircuitBreaker('up', 3, 1000, () => now);
    for (let i = 0; i < 3; i++) b.failed('502');
    now += 1000;
    return b;
  }

  it('frees the probe slot when abandoned, so the next call probes again and can close the circuit', () => {
    const b = halfOpen();
    const probe = b.guard();
    expect(probe).toBeDefined();
    expect(() => b.guard()).toThrow(expect.objectContaining({ status: 503 }));
    b.abandoned(probe);
    expect(b.state).toBe('half-open');
    const next = b.guard();
    expect(next).toBeDefined();
    expect(next).not.toBe(probe);
    b.succeeded();
    expect(b.state).toBe('closed');
  });

  it('ignores the end of a call that was not the probe', () => {
    const b = halfOpen();
    const probe = b.guard();
    b.abandoned(undefined);
    b.abandoned(Symbol('probe'));
    expect(() => b.guard()).toThrow(expect.objectContaining({ status: 503 }));
    b.abandoned(probe);
    expect(b.guard()).toBeDefined();
  });

  it('an old probe abandoned late does not free the slot of a newer probe', () => {
    let now = 0;
    const b = new CircuitBreaker('up', 1, 1000, () => now);
    b.failed('x');
    now += 1000;
    const first = b.guard();
    b.failed('still down');
    now += 1000;
    const second = b.guard();
    b.abandoned(first);
    expect(() => b.guard()).toThrow(expect.objectContaining({ status: 503 }));
    b.abandoned(second);
    expect(b.guard()).toBeDefined();
  });

  it('gives ordinary calls no ticket while closed', () => {
    const b = new CircuitBreaker('up', 3, 1000, () => 0);
    expect(b.guard()).toBeUndefined();
  });
});

describe('CircuitBreaker.snapshot', () => {
  it('tells an operator its state, counts, last failure and when it changed or will let a probe through', () => {
    let now = 0;
    const b = new CircuitBreaker('up', 3, 1000, () => now);
    const advance = (ms: number) => (now += ms);
    expect(b.snapshot()).toEqual({ state: 'closed', failures: 0, successes: 0, lastError: null, lastFailureAt: null, lastStateChange: 0, cooldownEndsAt: null });
    b.succeeded();
    b.succeeded();
    advance(10);
    for (const reason of ['a', 'b', 'c']) b.failed(reason);
    expect(b.snapshot()).toEqual({ state: 'open', failures: 3, successes: 2, lastError: 'c', lastFailureAt: 10, lastStateChange: 10, cooldownEndsAt: 1010 });
    advance(1000);
    expect(b.snapshot()).toMatchObject({ state: 'half-open', lastStateChange: 1010, cooldownEndsAt: null });
    b.guard();
    advance(5);
    b.succeeded();
    expect(b.snapshot()).toEqual({ state: 'closed', failures: 0, successes: 3, lastError: 'c', lastFailureAt: 10, lastStateChange: 1015, cooldownEndsAt: null });
  });

  it('tells when it opens from closed and when it closes again, once each per outage', () => {
    let now = 0;
    const told: string[] = [];
    const b = new CircuitBreaker('up', 2, 1000, () => now, (state) => told.push(state));
    b.failed('a');
    b.succeeded();
    expect(told).toEqual([]);
    b.failed('a');
    b.failed('b');
    b.failed('c');
    expect(told).toEqual(['open']);
    now += 1000;
    b.guard();
    b.failed('probe failed');
    expect(told).toEqual(['open']);
    now += 1000;
    b.guard();
    b.succeeded();
    b.succeeded();
    expect(told).toEqual(['open', 'closed']);
  });
});
