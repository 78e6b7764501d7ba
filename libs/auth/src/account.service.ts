import { AuditWriter } from '@app/audit';
import { ApiError, type RequestOrigin } from '@app/common';
import type { ChangePasswordRequestDto, PasswordChanged, UpdateProfileRequestDto, User } from '@app/contracts';
import { EventBus } from '@app/events';
import { type AuthenticatedUser, requireOwnSignIn } from '@app/security';
import { SessionsService } from '@app/sessions';
import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import './auth.events';
import { PasswordHasher } from './password.hasher';
import { UserEntity } from './user.entity';
import { UsersService } from './users.service';

/** A user's own account: the profile and the password, changed with the account's own sign-in only. */
@Injectable()
export class AccountService {
  private readonly users: Repository<UserEntity>;

  constructor(
    dataSource: DataSource,
    private readonly profiles: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly audit: AuditWriter,
    private readonly events: EventBus,
  ) {
    this.users = dataSource.getRepository(UserEntity);
  }

  async updateProfile(caller: AuthenticatedUser, input: UpdateProfileRequestDto, origin: RequestOrigin): Promise<User> {
    requireOwnSignIn(caller, 'The profile is managed');
    const user = await this.activeUser(caller.id);
    if (input.name !== user.name) {
      await this.users.update({ id: user.id }, { name: input.name });
      this.profiles.changed(user.id, ['name']);
      await this.audit.record({ action: 'user.profile.update', result: 'success', userId: user.id, resource: `user:${user.id}`, details: { before: { name: user.name }, after: { name: input.name } }, origin });
    }
    return this.profiles.me(user.id);
  }

  /**
   * A new password, given the current one. Every other session ends on every instance (whoever
   * else holds one signs in again); the caller's own goes on.
   */
  async changePassword(caller: AuthenticatedUser, input: ChangePasswordRequestDto, origin: RequestOrigin): Promise<PasswordChanged> {
    requireOwnSignIn(caller, 'The password is managed');
    const user = await this.activeUser(caller.id);
    if (user.passwordHash === null) throw ApiError.conflict('This account signs in through single sign-on and has no password here');
    if (!(await this.hasher.verify(user.passwordHash, input.currentPassword))) {
      await this.audit.record({ action: 'auth.password.change', result: 'denied', userId: user.id, resource: `user:${user.id}`, details: { reason: 'wrong current password' }, origin });
      throw ApiError.validation('The current password is not right', [{ field: 'currentPassword', message: 'is not the current password', code: 'INVALID' }]);
    }
    if (await this.hasher.verify(user.passwordHash, input.newPassword)) {
      throw ApiError.validation('The new password is the current one', [{ field: 'newPassword', message: 'must differ from the current password', code: 'UNCHANGED' }]);
    }
    const passwordHash = await this.hasher.hash(input.newPassword);
    // Two changes at once: the one that still sees the hash it checked wins.
    const updated = await this.users.update({ id: user.id, passwordHash: user.passwordHash }, { passwordHash });
    if (!updated.affected) throw ApiError.conflict('The password was changed meanwhile; try again with the new one');
    const endedSessions = await this.sessions.endOthersOfUser(user.id, caller.sessionId, 'password changed');
    this.profiles.changed(user.id, ['password']);
    await this.audit.record({ action: 'auth.password.change', result: 'success', userId: user.id, resource: `user:${user.id}`, sessionId: caller.sessionId, details: { endedSessions }, origin });
    await this.events.publishDurable('user.security', { userId: user.id, change: 'password.changed', actorId: user.id });
    return { message: 'Password changed; the other sessions of the account have ended', endedSessions, timestamp: new Date().toISOString() };
  }

  private async activeUser(id: string): Promise<UserEntity> {
    const user = await this.profiles.findById(id);
    if (!user || user.status !== 'active') throw ApiError.unauthorized('User no longer exists or is not active', 'TOKEN_REVOKED');
    return user;
  }
}
