import { describe, expect, it } from 'vitest';
import { storableText } from './storable-text';

describe('storableText', () => {
  it('replaces U+0000 and lone surrogates with U+FFFD', () => {
    expect(storableText('ok\u0000')).toBe('ok\uFFFD');
    expect(storableText('a\uD800b')).toBe('a\uFFFDb');
    expect(storableText('a\uDC00')).toBe('a\uFFFD');
    expect(storableText('\uDC00\uD800')).toBe('\uFFFD\uFFFD');
  });

  it('keeps well-formed text, pairs included', () => {
    expect(storableText('héllo 😀 \uFFFD')).toBe('héllo 😀 \uFFFD');
  });
});
