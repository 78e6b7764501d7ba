import { describe, expect, it } from 'vitest';
import { isoString } from './iso-string';

describe('isoString', () => {
  it('is toISOString, for the same instant again, another one, and a Date changed in place', () => {
    const date = new Date(Date.UTC(2026, 11, 6, 11, 8, 22, 123));
    expect(isoString(date)).toBe('2026-12-06T11:08:22.123Z');
    expect(isoString(new Date(date.getTime()))).toBe('2026-12-06T11:08:22.123Z');
    date.setTime(date.getTime() + 1);
    expect(isoString(date)).toBe('2026-12-06T11:08:22.124Z');
    expect(isoString(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
  });

  it('throws for an invalid date, as toISOString does, and remembers nothing of it', () => {
    expect(() => isoString(new Date(Number.NaN))).toThrow(RangeError);
    expect(isoString(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
  });
});
