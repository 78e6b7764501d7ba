import { describe, expect, it } from 'vitest';
import { storableJson } from './storable-json';

describe('storableJson', () => {
  it('replaces NUL in strings and keys at any depth and leaves the rest alone', () => {
    const input = { 'a\u0000': ['x\u0000y', 1, null, { deep: 'z\u0000' }], ok: 'fine', when: new Date(0) };
    expect(storableJson(input)).toEqual({ 'a\uFFFD': ['x\uFFFDy', 1, null, { deep: 'z\uFFFD' }], ok: 'fine', when: new Date(0) });
    expect(storableJson('plain')).toBe('plain');
    expect(storableJson(undefined)).toBeUndefined();
  });

  it('replaces lone surrogates, in strings and keys, and keeps well-formed pairs', () => {
    expect(storableJson({ 'k\udfff': ['\ud800', 'a\udc00b', 'x\ud83d\ude00y', '\ude00\ud83d'] })).toEqual({ 'k\uFFFD': ['\uFFFD', 'a\uFFFDb', 'x\ud83d\ude00y', '\uFFFD\uFFFD'] });
  });
});
