import { describe, expect, it } from 'vitest';
import { backoffMs } from './webhook-dispatcher';

describe('backoffMs', () => {
  it('doubles from the base with jitter between 0.5x and 1.5x, and stops growing at a day', () => {
    expect(backoffMs(1, 1000, () => 0.5)).toBe(1000);
    expect(backoffMs(2, 1000, () => 0.5)).toBe(2000);
    expect(backoffMs(5, 1000, () => 0.5)).toBe(16000);
    expect(backoffMs(3, 1000, () => 0)).toBe(2000);
    expect(backoffMs(3, 1000, () => 0.999)).toBeLessThan(6000);
    expect(backoffMs(40, 1000, () => 0.5)).toBe(24 * 3600 * 1000);
    expect(backoffMs(40, 1000, () => 0.99)).toBe(24 * 3600 * 1000);
  });
});
