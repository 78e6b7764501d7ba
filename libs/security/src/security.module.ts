import { AppConfig } from '@app/config';
import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthenticationGuard } from './authentication.guard';
import { PermissionsGuard } from './permissions.guard';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RateLimiter } from './rate-limit/rate-limiter.service';
import { SealedStores } from './sealed-stores';
import { SecretBox } from './secret-box';
import { VaultKeys } from './vault/vault-keys';
import { SessionRevocations } from './session-revocations';

/**
 * Global guards, in this order on purpose: authentication (who) must run before permissions (may
 * they), and rate limiting keys on the authenticated user, so it comes last.
 */
@Global()
@Module({
  providers: [
    RateLimiter,
    VaultKeys,
    // From Vault when it holds the keys: read before anything that seals or hashes is made.
    { provide: SecretBox, inject: [AppConfig, VaultKeys], useFactory: async (config: AppConfig, vault: VaultKeys) => new SecretBox(config, vault.configured ? await vault.readKeys() : config) },
    SealedStores,
    SessionRevocations,
    { provide: APP_GUARD, useClass: AuthenticationGuard },
    { provide: APP_GUARD, useClass: PermissionsGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
  exports: [RateLimiter, SecretBox, SealedStores, SessionRevocations, VaultKeys],
})
export class SecurityModule {}
