import { describe, expect, it } from 'vitest';
import { effectivePermissions } from './roles';

describe('effectivePermissions', () => {
  it('unions role defaults with explicit grants, sorted and unique', () => {
    expect(effectivePermissions(['user'], [])).toEqual(['execute:tools', 'read:contexts', 'read:sessions', 'read:tools', 'write:contexts']);
    expect(effectivePermissions(['user'], ['read:tools', 'custom:thing'])).toContain('custom:thing');
    expect(effectivePermissions(['developer'], [])).toEqual(expect.arrayContaining(['write:tools', 'filesystem:*']));
    expect(effectivePermissions(['admin'], [])).toEqual(expect.arrayContaining(['*', 'admin:*']));
  });

  it('ignores unknown roles', () => {
    expect(effectivePermissions(['wizard'], [])).toEqual([]);
  });
});
