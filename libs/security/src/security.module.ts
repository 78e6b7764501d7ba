import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthenticationGuard } from './authentication.guard';
import { PermissionsGuard } from './permissions.guard';

/**
 * Global guards, in this order on purpose: authentication (who) must run before permissions (may
 * they), and rate limiting (identity adds it) keys on the authenticated user, so it comes last.
 */
@Module({
  providers: [
    { provide: APP_GUARD, useClass: AuthenticationGuard },
    { provide: APP_GUARD, useClass: PermissionsGuard },
  ],
})
export class SecurityModule {}
