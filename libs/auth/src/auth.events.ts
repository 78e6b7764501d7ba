declare module '@app/events' {
  interface EventMap {
    'user.created': { userId: string; email: string; roles: string[]; source: 'register' | 'admin' | 'saml' | 'bootstrap' };
    /** Roles, permissions, status or profile changed: caches of the user must be dropped. */
    'user.updated': { userId: string; fields: string[] };
    /** How the account proves itself changed (webhooks, SIEMs): `actorId` is who did it (the user, or an admin). */
    'user.security': { userId: string; change: AccountSecurityChange; actorId: string };
  }
}

export type AccountSecurityChange = 'password.changed' | 'password.set' | 'password.reset_issued' | 'mfa.enabled' | 'mfa.disabled' | 'apikey.created' | 'apikey.updated' | 'apikey.rotated' | 'apikey.revoked' | 'oauth_grant.revoked' | 'account.claimed';
