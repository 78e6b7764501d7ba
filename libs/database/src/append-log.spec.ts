import { describe, expect, it } from 'vitest';
import { storableJsonText } from './append-log';

describe('storableJsonText', () => {
  it('replaces escaped NUL and lone surrogates with U+FFFD', () => {
    const json = JSON.stringify({ a: 'x\u0000y', b: '\ud800', c: '\udc00z' });
    expect(JSON.parse(storableJsonText(json))).toEqual({ a: 'x\uFFFDy', b: '\uFFFD', c: '\uFFFDz' });
  });

  it('keeps a backslash followed by the letters of an escape, and well-formed pairs', () => {
    const value = { literal: '\\u0000 and \\ud800', pair: '😀', mixed: '\\\u0000' };
    expect(JSON.parse(storableJsonText(JSON.stringify(value)))).toEqual({ ...value, mixed: '\\\uFFFD' });
  });

  it('leaves text without escapes as it is', () => {
    const json = JSON.stringify({ plain: 'hello', n: 1 });
    expect(storableJsonText(json)).toBe(json);
  });
});
