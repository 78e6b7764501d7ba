import { describe, expect, it } from 'vitest';
import { withinJsonBytes } from './validators';

describe('withinJsonBytes', () => {
  it('measures the UTF-8 bytes of the JSON, at the limit and one past it', () => {
    expect(withinJsonBytes({ a: 'xxxx' }, 12)).toBe(true); // {"a":"xxxx"} is 12 bytes
    expect(withinJsonBytes({ a: 'xxxxx' }, 12)).toBe(false);
    // 4 characters, 12 bytes: the length alone does not settle it.
    expect(withinJsonBytes('€€€€'.slice(0, 3), 11)).toBe(true); // "€€€" is 2 + 9 bytes
    expect(withinJsonBytes('€€€€'.slice(0, 3), 10)).toBe(false);
    expect(withinJsonBytes('😀', 6)).toBe(true); // "😀" is 2 + 4 bytes
    expect(withinJsonBytes('😀', 5)).toBe(false);
  });

  it('refuses what JSON cannot hold, and counts undefined as nothing', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(withinJsonBytes(cyclic, 1000)).toBe(false);
    expect(withinJsonBytes(10n, 1000)).toBe(false);
    expect(withinJsonBytes(undefined, 0)).toBe(true);
  });
});
