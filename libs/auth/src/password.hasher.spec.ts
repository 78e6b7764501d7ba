import { beforeEach, describe, expect, it, vi } from 'vitest';
import { PasswordHasher } from './password.hasher';

const argon = vi.hoisted(() => ({ hash: vi.fn(async (password: string) => `$argon2id$hash-of-${password}`), verify: vi.fn(async () => true) }));
// Hoisted above the imports by vitest, so PasswordHasher sees the mock.
vi.mock('@node-rs/argon2', () => ({ Algorithm: { Argon2id: 2 }, hash: argon.hash, verify: argon.verify }));

describe('PasswordHasher', () => {
  beforeEach(() => {
    argon.hash.mockClear();
    argon.verify.mockClear();
  });

  it('hashes with argon2id at the OWASP parameters', async () => {
    await new PasswordHasher().hash('pw');
    expect(argon.hash).toHaveBeenCalledWith('pw', { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  });

  it('runs a real verification for an unknown user (same cost as a wrong password) and still says no', async () => {
    const hasher = new PasswordHasher();
    expect(await hasher.verify(null, 'guess')).toBe(false);
    expect(argon.verify).toHaveBeenCalledTimes(1);
    expect(argon.verify).toHaveBeenCalledWith('$argon2id$hash-of-dummy-password-for-timing', 'guess');
  });

  it('verifies against the stored hash for a known user', async () => {
    expect(await new PasswordHasher().verify('$argon2id$stored', 'pw')).toBe(true);
    expect(argon.verify).toHaveBeenCalledWith('$argon2id$stored', 'pw');
  });
});
