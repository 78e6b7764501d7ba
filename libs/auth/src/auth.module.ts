import { EmailController } from './email/email.controller';
import { EmailVerification } from './email/email-verification.service';
import { AppConfig } from '@app/config';
import { CredentialVerifier, IdentityAssertions, PermissionLookup, SealedStores } from '@app/security';
import { Global, Module } from '@nestjs/common';
import { AccountService } from './account.service';
import { AdminBootstrap } from './admin-bootstrap';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwksController } from './jwks.controller';
import { JwtKeys } from './jwt/jwt-keys';
import { JwtService } from './jwt/jwt.service';
import { MfaChallengeStore } from './mfa/mfa-challenge.store';
import { MfaController } from './mfa/mfa.controller';
import { MfaService } from './mfa/mfa.service';
import { createSmsSender, SmsSender } from './mfa/sms.sender';
import { AdminOAuthClientsController } from './oauth/admin-oauth-clients.controller';
import { AdminApiKeysController } from './api-keys/admin-api-keys.controller';
import { AdminOAuthGrantsController } from './oauth/admin-oauth-grants.controller';
import { OAuthBrowserSessions } from './oauth/browser-sessions';
import { OAuthGrantsService } from './oauth/oauth-grants.service';
import { ClientAssertions } from './oauth/client-assertions.service';
import { ClientMetadataFetcher } from './oauth/client-metadata-fetcher';
import { OAuthClientsService } from './oauth/oauth-clients.service';
import { OAuthRetention } from './oauth/oauth-retention';
import { OAuthController, OAuthMetadataController } from './oauth/oauth.controller';
import { OAuthService } from './oauth/oauth.service';
import { PasswordHasher } from './password.hasher';
import { SamlAuthGuard, SamlEnabledGuard } from './saml/saml-auth.guard';
import { SamlRequestCache } from './saml/saml-request.cache';
import { SamlController } from './saml/saml.controller';
import { SamlService } from './saml/saml.service';
import { SsoClaims } from './saml/sso-claims';
import { SamlStrategy } from './saml/saml.strategy';
import { SignInService } from './sign-in.service';
import { TokenCredentialVerifier } from './token-credential.verifier';
import { TokensService } from './tokens/tokens.service';
import { UsersController } from './users.controller';
import { UserTokenFloors } from './tokens/user-token-floors';
import { UsersService } from './users.service';
import { IdentityAssertionSigner } from './jwt/identity-assertion-signer';

/** Global so the security guards (declared in SecurityModule) see the CredentialVerifier it binds. */
@Global()
@Module({
  controllers: [AuthController, EmailController, MfaController, SamlController, UsersController, JwksController, OAuthController, OAuthMetadataController, AdminOAuthClientsController, AdminOAuthGrantsController, AdminApiKeysController],
  providers: [
    EmailVerification,
    PasswordHasher,
    UsersService,
    JwtKeys,
    JwtService,
    TokensService,
    ApiKeysService,
    SignInService,
    AuthService,
    MfaChallengeStore,
    MfaService,
    // null when SMS is off: `type: "sms"` then answers 400.
    { provide: SmsSender, inject: [AppConfig], useFactory: createSmsSender },
    SamlRequestCache,
    SamlService,
    SsoClaims,
    SamlEnabledGuard,
    SamlAuthGuard,
    // null when SAML_* are unset: the SAML routes then answer 404.
    { provide: SamlStrategy, inject: [AppConfig, SamlRequestCache], useFactory: (config: AppConfig, requests: SamlRequestCache) => (config.saml ? new SamlStrategy(config.saml, requests) : null) },
    OAuthClientsService,
    ClientMetadataFetcher,
    ClientAssertions,
    OAuthBrowserSessions,
    OAuthGrantsService,
    AccountService,
    OAuthService,
    OAuthRetention,
    AdminBootstrap,
    UserTokenFloors,
    TokenCredentialVerifier,
    { provide: CredentialVerifier, useExisting: TokenCredentialVerifier },
    { provide: PermissionLookup, useExisting: UsersService },
    IdentityAssertionSigner,
    { provide: IdentityAssertions, useExisting: IdentityAssertionSigner },
  ],
  exports: [PasswordHasher, UsersService, JwtService, ApiKeysService, SsoClaims, TokenCredentialVerifier, CredentialVerifier, PermissionLookup, IdentityAssertions, UserTokenFloors],
})
export class AuthModule {
  constructor(sealed: SealedStores) {
    sealed.register({ table: 'users', column: 'mfa_secret', shape: 'text', key: ['id'], description: "users' TOTP secrets" });
  }
}
