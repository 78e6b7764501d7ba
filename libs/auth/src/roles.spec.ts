import { describe, expect, it } from 'vitest';
import { effectivePermissions, isStrongSignIn, withoutAdminRights } from './roles';

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

describe('withoutAdminRights (ADMIN_REQUIRES_MFA, a sign-in without a second factor)', () => {
  it('drops admin and wildcard grants; an admin keeps the rights of its other roles, and at least a user\'s', () => {
    expect(withoutAdminRights(['admin'], [])).toEqual(effectivePermissions(['user'], []));
    expect(withoutAdminRights(['admin', 'developer'], [])).toEqual(effectivePermissions(['developer'], []));
    expect(withoutAdminRights(['user'], ['*', 'admin:users', 'custom:thing'])).toEqual(effectivePermissions(['user'], ['custom:thing']));
  });

  it('gives nobody more than they held', () => {
    expect(withoutAdminRights([], [])).toEqual([]);
    expect(withoutAdminRights(['wizard'], ['read:tools'])).toEqual(['read:tools']);
  });

  it('counts a second factor or a single sign-on as strong, a password alone (or nothing known) as not', () => {
    expect(['password+totp', 'password+sms', 'password+backup-code', 'saml'].map(isStrongSignIn)).toEqual([true, true, true, true]);
    expect([isStrongSignIn('password'), isStrongSignIn(null)]).toEqual([false, false]);
  });
});
