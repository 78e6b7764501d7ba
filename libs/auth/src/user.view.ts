import type { User } from '@app/contracts';
import { effectivePermissions, isRole } from './roles';
import type { UserEntity } from './user.entity';

/** The contract's User: never a hash or a secret. */
export function toUserView(user: UserEntity): User {
  return {
    id: user.id,
    email: user.email,
    emailVerified: user.emailVerifiedAt !== null,
    name: user.name,
    organization: user.organization,
    phone: user.phone,
    roles: user.roles.filter(isRole),
    permissions: effectivePermissions(user.roles, user.permissions),
    mfaEnabled: user.mfaEnabled,
    ...(user.mfaEnabled ? { backupCodesRemaining: (user.mfaBackupCodes ?? []).length } : {}),
    status: user.status,
    lastLogin: user.lastLoginAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}
