import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthenticationGuard } from './authentication.guard';
import { PermissionsGuard } from './permissions.guard';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RateLimiter } from './rate-limit/rate-limiter.service';
import { SealedStores } from './sealed-stores';
import { SecretBox } from './secret-box';
import { SessionRevocations } from './session-revocations';

/**
 * Global guards, in this order on purpose: authentication (who) must run before permissions (may
 * they), and rate limiting keys on the authenticated user, so it comes last.
 */
@Global()
@Module({
  providers: [
    RateLimiter,
    SecretBox,
    SealedStores,
    SessionRevocations,
    { provide: APP_GUARD, useClass: AuthenticationGuard },
    { provide: APP_GUARD, useClass: PermissionsGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
  exports: [RateLimiter, SecretBox, SealedStores, SessionRevocations],
})
export class SecurityModule {}
