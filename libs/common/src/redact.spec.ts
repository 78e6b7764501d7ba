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

  it('survives cycles and deep nesting', () => {
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    expect(redactSecrets(cyclic).self).toBe('[Truncated]');
    let deep: Record<string, unknown> = { end: true };
    for (let i = 0; i < 20; i++) deep = { next: deep };
    expect(JSON.stringify(redactSecrets(deep))).toContain('[Truncated]');
  });
});
