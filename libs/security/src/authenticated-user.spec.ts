import { describe, expect, it } from 'vitest';
import { holdsPermission } from './authenticated-user';

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
