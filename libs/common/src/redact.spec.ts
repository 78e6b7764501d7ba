import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from './redact';

describe('redactSecrets', () => {
  it('replaces secret-named keys at any depth and keeps the rest', () => {
    const input = {
      email: 'a@b.c',
      password: 'hunter2',
      nested: { apiKey: 'k', api_key: 'k', refreshToken: 't', list: [{ clientSecret: 's', ok: 1 }] },
      headers: { authorization: 'Bearer x', cookie: 'sid=1', accept: 'json' },
      mfaCode: '123456',
      backupCodes: ['a', 'b'],
    };
    const output = redactSecrets(input);
    expect(output.email).toBe('a@b.c');
    expect(output.password).toBe(REDACTED);
    expect(output.nested.apiKey).toBe(REDACTED);
    expect(output.nested.api_key).toBe(REDACTED);
    expect(output.nested.refreshToken).toBe(REDACTED);
    expect(output.nested.list[0]).toEqual({ clientSecret: REDACTED, ok: 1 });
    expect(output.headers).toEqual({ authorization: REDACTED, cookie: REDACTED, accept: 'json' });
    expect(output.mfaCode).toBe(REDACTED);
    expect(output.backupCodes).toBe(REDACTED);
    expect(input.password).toBe('hunter2');
  });

  it('returns a tree with nothing to hide as it is, and copies one that has', () => {
    const clean = { message: 'hello', nested: { list: [1, 'two', { ok: true }], none: null } };
    expect(redactSecrets(clean)).toBe(clean);
    const withSecret = { nested: [{ token: 'abc' }] };
    expect(redactSecrets(withSecret)).toEqual({ nested: [{ token: REDACTED }] });
    expect(withSecret.nested[0].token).toBe('abc');
    // Not plain data (a Date, an Error, a class instance): copied exactly as before.
    const when = new Date(0);
    const mixed = { when, error: new Error('x') };
    const copied = redactSecrets(mixed);
    expect(copied).not.toBe(mixed);
    expect(copied.when).toBe(when);
    expect(copied.error).toEqual({});
    // A secret-named key holding nothing hides nothing.
    const empty = { password: null, token: undefined };
    expect(redactSecrets(empty)).toBe(empty);
  });

  it('survives cycles and deep nesting', () => {
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    expect(redactSecrets(cyclic).self).toBe('[Truncated]');
    let deep: Record<string, unknown> = { end: true };
    for (let i = 0; i < 20; i++) deep = { next: deep };
    expect(JSON.stringify(redactSecrets(deep))).toContain('[Truncated]');
  });
});
