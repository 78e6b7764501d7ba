export { AuthModule } from './auth.module';
export { PasswordHasher } from './password.hasher';
export { effectivePermissions, isRole, ROLE_PERMISSIONS, ROLES } from './roles';
export type { Role } from './roles';
export { UserEntity } from './user.entity';
export type { UserStatus } from './user.entity';
export { toUserView } from './user.view';
export { UsersService } from './users.service';
