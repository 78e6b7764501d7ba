/** The one table of roles and their default permissions. Users may also hold explicit extras. */
export const ROLES = ['admin', 'developer', 'user'] as const;
export type Role = (typeof ROLES)[number];

const USER_PERMISSIONS = ['read:tools', 'execute:tools', 'read:contexts', 'write:contexts', 'read:sessions'];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly string[]>> = {
  user: USER_PERMISSIONS,
  developer: [...USER_PERMISSIONS, 'write:tools', 'filesystem:*', 'network:http'],
  admin: ['*', 'admin:*'],
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Role defaults plus explicit permissions, deduplicated and sorted for stable tokens. */
export function effectivePermissions(roles: readonly string[], explicit: readonly string[]): string[] {
  const granted = new Set<string>(explicit);
  for (const role of roles) if (isRole(role)) for (const permission of ROLE_PERMISSIONS[role]) granted.add(permission);
  return [...granted].sort();
}

/**
 * What a sign-in without a second factor holds when ADMIN_REQUIRES_MFA is on: no admin or wildcard
 * grant; an admin keeps what their other roles give, and at least a user's rights.
 */
export function withoutAdminRights(roles: readonly string[], explicit: readonly string[]): string[] {
  const others = roles.filter((role) => role !== 'admin');
  const kept = others.length === 0 && roles.includes('admin') ? ['user'] : others;
  return effectivePermissions(kept, explicit.filter((permission) => permission !== '*' && !permission.startsWith('admin:')));
}

/** Whether a sign-in proved more than a password: a second factor, or the IdP of a single sign-on. */
export function isStrongSignIn(method: string | null): boolean {
  return method !== null && method !== 'password';
}

/** Every permission some role grants, sorted: the scopes a client may ask for beyond the tools' own. */
export function roleScopes(): string[] {
  return [...new Set(ROLES.flatMap((role) => effectivePermissions([role], [])))].sort();
}
