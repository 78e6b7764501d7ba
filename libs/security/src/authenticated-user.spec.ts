import { describe, expect, it } from 'vitest';
import { type AuthenticatedUser, holdsPermission, isAdmin } from './authenticated-user';

describe('holdsPermission', () => {
  it('matches exact permissions, action wildcards, admin:* and *', () => {
    expect(holdsPermission(['read:tools'], 'read:tools')).toBe(true);
    expect(holdsPermission(['read:tools'], 'execute:tools')).toBe(false);
    expect(holdsPermission(['filesystem:*'], 'filesystem:write')).toBe(true);
    expect(holdsPermission(['filesystem:*'], 'read:tools')).toBe(false);
    expect(holdsPermission(['admin:*'], 'write:tools')).toBe(true);
    expect(holdsPermission(['*'], 'anything:at-all')).toBe(true);
    expect(holdsPermission([], 'read:tools')).toBe(false);
  });
});

describe('isAdmin', () => {
  const user = (permissions: string[]): AuthenticatedUser => ({ id: 'u', email: 'u@example.test', roles: [], permissions, via: 'jwt' });

  it('holds for admin:* and *, never for a permission that only looks like one', () => {
    expect(isAdmin(user(['admin:*']))).toBe(true);
    expect(isAdmin(user(['*']))).toBe(true);
    expect(isAdmin(user(['admin:servers', 'admin:organizations', 'execute:tools']))).toBe(false);
    expect(isAdmin(user([]))).toBe(false);
  });
});
