import { describe, expect, it } from 'vitest';
import { MASK, secretScrubber } from './secret-scrubber';

describe('secretScrubber', () => {
  it('masks a value as is, JSON-escaped, inspect-escaped and URL-encoded', () => {
    const scrub = secretScrubber(['b\r\nc: d', 'b\u0000cdef', 'tok/en secret'], MASK);
    expect(scrub('Headers.append: "b\r\nc: d" is an invalid header value.')).toBe(`Headers.append: "${MASK}" is an invalid header value.`);
    expect(scrub('bad value "b\\r\\nc: d"')).toBe(`bad value "${MASK}"`);
    expect(scrub("must be a string without null bytes. Received 'b\\x00cdef'")).toBe(`must be a string without null bytes. Received '${MASK}'`);
    expect(scrub('GET /?t=tok%2Fen%20secret failed')).toBe(`GET /?t=${MASK} failed`);
  });

  it('masks a long value cut short by the error builder', () => {
    const secret = `sk-${'a1b2c3d4'.repeat(30)}\u0000`;
    const scrub = secretScrubber([secret], MASK);
    // Node's ERR_INVALID_ARG_VALUE keeps the first 128 characters of the inspected value.
    const message = `Received '${secret.slice(0, 127)}...`;
    expect(scrub(message)).toBe(`Received '${MASK}...`);
  });

  it('masks a secret that contains another whole, and every occurrence', () => {
    const scrub = secretScrubber(['abcd', 'xxabcdxx'], MASK);
    expect(scrub('xxabcdxx then abcd then abcd')).toBe(`${MASK} then ${MASK} then ${MASK}`);
  });

  it('leaves short values, the mask itself and texts without secrets alone', () => {
    const scrub = secretScrubber(['1', 'abc', MASK], MASK);
    expect(scrub('connect ECONNREFUSED 127.0.0.1:1 (abc)')).toBe('connect ECONNREFUSED 127.0.0.1:1 (abc)');
    expect(secretScrubber([], MASK)('plain')).toBe('plain');
  });
});
