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
