declare module '@app/events' {
  interface EventMap {
    'user.created': { userId: string; email: string; roles: string[]; source: 'register' | 'admin' | 'saml' | 'bootstrap' };
  }
}

export {};
