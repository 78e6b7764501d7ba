import { describe, expect, it } from 'vitest';
import { scanCredentials } from './credential-scan';

// Test fixtures assembled at run time, so that no scanner of this repository mistakes them for leaks.
const AWS = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');
const GITHUB = `ghp_${'a1B2'.repeat(9)}`;
const JWT = ['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0', 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'].join('.');
const KEY = ['-----BEGIN RSA PRIVATE', ' KEY-----\nMIIEowIBAAKCAQEA1234\nabcd==\n-----END RSA PRIVATE', ' KEY-----'].join('');

describe('scanCredentials', () => {
  it('masks every kind it knows, wherever it sits in a JSON value, and says which it found', () => {
    const result = { content: [{ type: 'text', text: `key ${AWS} and ${GITHUB}` }], structuredContent: { nested: [{ token: JWT }], pem: `before\n${KEY}\nafter` } };
    const { value, found } = scanCredentials(result);
    expect(found).toEqual(['aws-access-key', 'github-token', 'jwt', 'private-key']);
    expect(value).toEqual({
      content: [{ type: 'text', text: 'key [REDACTED:aws-access-key] and [REDACTED:github-token]' }],
      structuredContent: { nested: [{ token: '[REDACTED:jwt]' }], pem: 'before\n[REDACTED:private-key]\nafter' },
    });
    // The original is left as it was.
    expect(result.content[0].text).toContain(AWS);
  });

  it('scans object keys too: a credential as a key is found (so refused) and masked', () => {
    const { value, found } = scanCredentials({ [GITHUB]: 1, list: [{ [`id ${AWS}`]: { [JWT]: 'x' } }] });
    expect(found).toEqual(['aws-access-key', 'github-token', 'jwt']);
    expect(value).toEqual({ '[REDACTED:github-token]': 1, list: [{ 'id [REDACTED:aws-access-key]': { '[REDACTED:jwt]': 'x' } }] });
  });

  it('keeps every entry when masked keys meet each other or a key already there', () => {
    const other = `ghp_${'c3D4'.repeat(9)}`;
    const { value, found } = scanCredentials({ [GITHUB]: 1, [other]: 2, '[REDACTED:github-token]': 3, plain: 4 });
    expect(found).toEqual(['github-token']);
    expect(value).toEqual({ '[REDACTED:github-token]': 3, '[REDACTED:github-token]#2': 1, '[REDACTED:github-token]#3': 2, plain: 4 });
  });

  it('answers the very same value when there is nothing to mask', () => {
    const clean = { content: [{ type: 'text', text: 'AKIA is a prefix; eyJ alone is not a token; sk-short' }], n: 5, ok: true, none: null };
    const outcome = scanCredentials(clean);
    expect(outcome.found).toEqual([]);
    expect(outcome.value).toBe(clean);
  });

  it('masks a private key without its END line to the end of the text', () => {
    const { value } = scanCredentials(`-----BEGIN PRIVATE KEY-----\nMIIE${'A'.repeat(100)}`);
    expect(value).toBe('[REDACTED:private-key]');
  });

  it('does not walk past a fixed depth: what lies deeper is replaced whole', () => {
    let deep: unknown = AWS;
    for (let level = 0; level < 100; level++) deep = { level: deep };
    const { found } = scanCredentials(deep);
    expect(found).toEqual(['too-deep-to-scan']);
  });

  it('gets through hostile text (near-misses by the megabyte) with the right answer', () => {
    // Backtracking that grows with the input would run for minutes here, past the test's timeout.
    const hostile = `${'eyJ.'.repeat(100_000)} ${'AKIA'.repeat(50_000)} ${'-----BEGIN PRIVATE KEY-----'.repeat(2_000)}`;
    const { value, found } = scanCredentials(hostile);
    expect(found).toEqual(['private-key']);
    expect((value as string).endsWith('[REDACTED:private-key]')).toBe(true);
  });
});
