declare module '@app/events' {
  interface EventMap {
    'user.created': { userId: string; email: string; roles: string[]; source: 'register' | 'admin' | 'saml' | 'bootstrap' };
    /** Roles, permissions, status or profile changed: caches of the user must be dropped. */
    'user.updated': { userId: string; fields: string[] };
  }
}

export {};
