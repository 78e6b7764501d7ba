import { describe, expect, it } from 'vitest';
import { timeOrderedUuid } from './time-ordered-uuid';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const timeOf = (id: string): number => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

describe('timeOrderedUuid', () => {
  it('is a version 7, RFC variant UUID carrying the millisecond it was made in', () => {
    const at = Date.UTC(2026, 11, 4, 12, 0, 0, 123);
    const id = timeOrderedUuid(at + 10_000_000); // later than any id made before in this file
    expect(id).toMatch(UUID_V7);
    expect(timeOf(id)).toBe(at + 10_000_000);
  });

  it('sorts as text in the order it was made, within a millisecond and across them', () => {
    const base = Date.now() + 20_000_000;
    const ids = [...Array.from({ length: 3000 }, () => timeOrderedUuid(base)), ...Array.from({ length: 50 }, (_, i) => timeOrderedUuid(base + 1 + i))];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('borrows the next millisecond when one millisecond runs out of counter, and never goes back with the clock', () => {
    const base = Date.now() + 30_000_000;
    const ids = Array.from({ length: 5000 }, () => timeOrderedUuid(base));
    expect(timeOf(ids[ids.length - 1])).toBeGreaterThan(base);
    const afterClockWentBack = timeOrderedUuid(base - 60_000);
    expect(afterClockWentBack > ids[ids.length - 1]).toBe(true);
    expect([...ids].sort()).toEqual(ids);
  });

  it('keeps 62 random bits: ids made in the same millisecond differ past the counter', () => {
    const base = Date.now() + 40_000_000;
    const tails = new Set(Array.from({ length: 1000 }, () => timeOrderedUuid(base).slice(19)));
    expect(tails.size).toBe(1000);
  });
});
