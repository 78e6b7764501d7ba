export { attachUser, CredentialVerifier, holdsPermission, userOf } from './authenticated-user';
export type { AuthenticatedUser } from './authenticated-user';
export { AuthenticationGuard } from './authentication.guard';
export { CurrentUser, IS_PUBLIC, Public, REQUIRED_PERMISSIONS, RequirePermissions } from './decorators';
export { PermissionsGuard } from './permissions.guard';
export { SecurityModule } from './security.module';
