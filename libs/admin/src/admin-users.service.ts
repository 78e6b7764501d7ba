import { AuditWriter } from '@app/audit';
import { hashOneTimeToken, PasswordHasher, SsoClaims, toUserView, UserEntity, type UserStatus, UserTokenFloors } from '@app/auth';
import { ApiError, offsetPagination, isRedisUnavailable, type RequestOrigin, sqlState } from '@app/common';
import type { AdminUserList, CreatedUser, CreateUserRequestDto, ListUsersQueryDto, UpdateUserRolesRequestDto, UpdateUserStatusRequestDto, User } from '@app/contracts';
import { RedisService } from '@app/database';
import { EventBus } from '@app/events';
import { Mailer } from '@app/mail';
import { SessionsService } from '@app/sessions';
import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import { PasswordSetupTokenEntity } from './password-setup-token.entity';

const DEFAULT_PAGE_SIZE = 50;
const SETUP_TOKEN_PREFIX = 'pst_';
const SETUP_TOKEN_TTL_MS = 72 * 3600 * 1000;
// A mailed one is shorter-lived: it sits in a mailbox.
const MAILED_TOKEN_TTL_MS = 3600 * 1000;

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);
const isActiveAdmin = (user: Pick<UserEntity, 'roles' | 'status'>): boolean => user.status === 'active' && user.roles.includes('admin');

/** Users as admins manage them: listing, creation, roles, status, and the one-time password setup. */
@Injectable()
export class AdminUsersService {
  private readonly users: Repository<UserEntity>;
  private readonly setupTokens: Repository<PasswordSetupTokenEntity>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditWriter,
    private readonly events: EventBus,
    private readonly sessions: SessionsService,
    private readonly floors: UserTokenFloors,
    private readonly redis: RedisService,
    private readonly mailer: Mailer,
    private readonly claims: SsoClaims,
  ) {
    this.users = dataSource.getRepository(UserEntity);
    this.setupTokens = dataSource.getRepository(PasswordSetupTokenEntity);
  }

  async list(query: ListUsersQueryDto): Promise<AdminUserList> {
    const page = query.page ?? 1;
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const builder = this.users.createQueryBuilder('user');
    if (query.role) builder.andWhere(':role = ANY(user.roles)', { role: query.role });
    if (query.status) builder.andWhere('user.status = :status', { status: query.status });
    if (query.search) builder.andWhere('(user.email ILIKE :search OR user.name ILIKE :search)', { search: `%${escapeLike(query.search)}%` });
    const [rows, total] = await builder.orderBy('user.createdAt', 'DESC').addOrderBy('user.id', 'ASC').skip((page - 1) * limit).take(limit).getManyAndCount();
    return { users: rows.map(toUserView), pagination: offsetPagination(page, limit, total) };
  }

  /**
   * Without a password the answer carries a one-time set-password token; only its hash is kept,
   * and neither the token nor a password ever reaches a log.
   */
  async create(actor: string, input: CreateUserRequestDto, origin: RequestOrigin): Promise<CreatedUser> {
    const passwordHash = input.password === undefined ? null : await this.hasher.hash(input.password);
    let user: UserEntity;
    try {
      user = await this.users.save(
        // An admin vouches for the address.
        this.users.create({ email: input.email, name: input.name, organization: input.organization ?? null, passwordHash, roles: [...input.roles], permissions: [...(input.permissions ?? [])], status: 'active', emailVerifiedAt: new Date() }),
      );
    } catch (error) {
      if (sqlState(error) === '23505') throw ApiError.conflict('A user with this email already exists', [{ field: 'email', message: 'email is taken', code: 'ALREADY_EXISTS' }]);
      throw error;
    }
    const passwordSetup = passwordHash === null ? await this.issueSetupToken(user.id) : undefined;
    await Promise.all([
      this.audit.record({ action: 'admin.user.create', result: 'success', userId: actor, resource: `user:${user.id}`, details: { email: user.email, roles: user.roles, permissions: user.permissions, passwordSetup: passwordSetup ? 'token' : 'password' }, origin }),
      this.events.publishDurable('user.created', { userId: user.id, email: user.email, roles: user.roles, source: 'admin' }),
    ]);
    return { user: toUserView(user), ...(passwordSetup ? { passwordSetup } : {}) };
  }

  /** New rights take effect on the user's next request: older tokens are refused from now on. */
  async updateRoles(actor: string, id: string, input: UpdateUserRolesRequestDto, origin: RequestOrigin): Promise<User> {
    const { before, after } = await this.changeGuarded(id, (user) => {
      user.roles = [...input.roles];
      if (input.permissions !== undefined) user.permissions = [...input.permissions];
    });
    await this.afterRightsChanged(after, ['roles', 'permissions']);
    await this.audit.record({
      action: 'admin.user.roles',
      result: 'success',
      severity: 'warning',
      userId: actor,
      resource: `user:${id}`,
      details: { from: { roles: before.roles, permissions: before.permissions }, to: { roles: after.roles, permissions: after.permissions } },
      origin,
    });
    return toUserView(after);
  }

  /**
   * Suspension or deletion ends every session of the user at once, on every instance. That goes
   * over Redis: with Redis out the change is refused whole (503) before anything is written; if
   * Redis goes away midway, the change (already in the database, which other instances reload)
   * is still audited, with the failed broadcast noted, and answered 503.
   */
  async updateStatus(actor: string, id: string, input: UpdateUserStatusRequestDto, origin: RequestOrigin): Promise<User> {
    await this.redis.ensureReachable().catch((error: unknown) => {
      throw ApiError.unavailable('Changing a user\'s status is temporarily unavailable; try again shortly', error);
    });
    const { before, after } = await this.changeGuarded(id, (user) => {
      user.status = input.status as UserStatus;
    });
    let broadcastFailure: unknown;
    const tolerateRedisOutage = (error: unknown): void => {
      if (!isRedisUnavailable(error)) throw error;
      broadcastFailure ??= error;
    };
    let sessionsEnded = 0;
    if (after.status !== 'active') sessionsEnded = await this.sessions.endAllForUser(id, `user ${after.status}`).catch((error: unknown) => (tolerateRedisOutage(error), 0));
    await this.afterRightsChanged(after, ['status']).catch(tolerateRedisOutage);
    await this.audit.record({
      action: 'admin.user.status',
      result: 'success',
      severity: after.status === 'active' ? 'info' : 'warning',
      userId: actor,
      resource: `user:${id}`,
      details: { from: before.status, to: after.status, sessionsEnded, ...(input.reason ? { reason: input.reason } : {}), ...(broadcastFailure ? { broadcast: 'failed: Redis unavailable' } : {}) },
      origin,
    });
    if (broadcastFailure) throw ApiError.unavailable('The status was changed, but other instances could not be told yet; they will catch up shortly', broadcastFailure);
    return toUserView(after);
  }

  /**
   * A one-time token for a user who forgot their password, replacing any they held; the current
   * password works until it is spent (an admin cannot lock someone out by asking).
   */
  async resetPassword(actor: string, id: string, origin: RequestOrigin): Promise<NonNullable<CreatedUser['passwordSetup']>> {
    const user = await this.users.findOne({ where: { id } });
    if (!user) throw ApiError.notFound('User');
    if (user.status !== 'active') throw ApiError.conflict(`The user is ${user.status}: activate the account first`);
    await this.dataSource.query(`UPDATE password_setup_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, [id]);
    const setup = await this.issueSetupToken(id);
    await this.audit.record({ action: 'admin.user.password_reset', result: 'success', userId: actor, resource: `user:${id}`, details: { email: user.email, expiresAt: setup.expiresAt }, origin });
    await this.events.publishDurable('user.security', { userId: id, change: 'password.reset_issued', actorId: actor });
    return setup;
  }

  /**
   * Someone forgot their password: a set-password token is mailed to the account, if there is an
   * active one that signs in here (not through SSO). The answer is the same either way, and given
   * before the work is done, so that neither it nor its timing tells which addresses have accounts.
   */
  forgotPassword(email: string, origin: RequestOrigin): void {
    if (!this.mailer.configured) throw new ApiError(404, 'NOT_FOUND', 'Mail (SMTP_URL) is not configured on this server: ask an administrator for a set-password link');
    void this.mailPasswordToken(email, origin)
      .catch((error: unknown) => this.audit.record({ action: 'auth.password.forgot', result: 'failure', details: { email, reason: error instanceof Error ? error.message : String(error) }, origin }))
      .catch(() => undefined);
  }

  private async mailPasswordToken(email: string, origin: RequestOrigin): Promise<void> {
    const user = await this.users.findOne({ where: { email } });
    const refusal = !user ? 'no such account' : user.status !== 'active' ? `the account is ${user.status}` : user.authSource !== 'local' ? 'the account signs in with SSO' : undefined;
    if (!user || refusal) {
      await this.audit.record({ action: 'auth.password.forgot', result: 'denied', ...(user ? { userId: user.id, resource: `user:${user.id}` } : {}), details: { email, reason: refusal }, origin });
      return;
    }
    // Earlier links stay good (an admin's onboarding one too): whoever can ask must not void them.
    // Spending any one voids the rest.
    const { token } = await this.issueSetupToken(user.id, MAILED_TOKEN_TTL_MS, user.email);
    await this.mailer.send({
      kind: 'password_reset',
      to: user.email,
      subject: 'Set a new password',
      text: [
        'Hello,',
        '',
        'Someone (we hope you) asked to set a new password for your account. Open this link to choose one (it works once, for an hour):',
        this.mailer.link('reset-password', token),
        '',
        `Or send this token with your new password to POST /api/v1/auth/set-password: ${token}`,
        '',
        'Your current password works until then. If you did not ask for this, ignore this mail.',
      ].join('\n'),
    });
    await this.audit.record({ action: 'auth.password.forgot', result: 'success', userId: user.id, resource: `user:${user.id}`, details: { email }, origin });
    await this.events.publishDurable('user.security', { userId: user.id, change: 'password.reset_issued', actorId: user.id });
  }

  /** Spends a set-password token: it works once, before it expires, for an active user. */
  async setPassword(token: string, password: string, origin: RequestOrigin): Promise<void> {
    const passwordHash = await this.hasher.hash(password);
    const spent = await this.dataSource.transaction(async (manager) => {
      // TypeORM answers an UPDATE … RETURNING as [rows, rowCount].
      const [rows] = (await manager.query(`UPDATE password_setup_tokens SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING user_id, mailed_to`, [hashOneTimeToken(token)])) as [Array<{ user_id: string; mailed_to: string | null }>, number];
      if (rows.length === 0) return null;
      const userId = rows[0].user_id;
      const updated = await manager.getRepository(UserEntity).update({ id: userId, status: 'active' }, { passwordHash });
      if (!updated.affected) return null;
      await manager.query(`UPDATE password_setup_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, [userId]);
      return { userId, mailedTo: rows[0].mailed_to };
    });
    if (spent === null) {
      await this.audit.record({ action: 'auth.password.set', result: 'denied', details: { reason: 'invalid, used or expired token' }, origin });
      throw ApiError.unauthorized('The set-password token is invalid, used or expired');
    }
    const { userId, mailedTo } = spent;
    // A new password ends whatever was signed in with the old one (a reset after a compromise).
    const endedSessions = await this.sessions.endAllForUser(userId, 'password set');
    await this.audit.record({ action: 'auth.password.set', result: 'success', userId, resource: `user:${userId}`, details: { endedSessions }, origin });
    this.events.publish('user.updated', { userId, fields: ['password'] });
    await this.events.publishDurable('user.security', { userId, change: 'password.set', actorId: userId });
    // A link mailed to an address nobody had proven: the mailbox's owner takes the account, and
    // whoever registered it loses the keys, second factor and grants they set up (pre-account hijacking).
    if (mailedTo !== null) await this.claims.claimForMailbox(userId, mailedTo, origin);
  }

  private async issueSetupToken(userId: string, ttlMs = SETUP_TOKEN_TTL_MS, mailedTo: string | null = null): Promise<NonNullable<CreatedUser['passwordSetup']>> {
    const token = `${SETUP_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const expiresAt = new Date(Date.now() + ttlMs);
    await this.setupTokens.insert({ userId, tokenHash: hashOneTimeToken(token), expiresAt, mailedTo });
    return { token, expiresAt: expiresAt.toISOString(), url: '/api/v1/auth/set-password' };
  }

  /** Applies a change under row locks that serialise admin changes, refusing one that would leave no active admin (409). */
  private async changeGuarded(id: string, change: (user: UserEntity) => void): Promise<{ before: UserEntity; after: UserEntity }> {
    return this.dataSource.transaction(async (manager: EntityManager) => {
      // Row locks on every active admin (and the target), in one order: two admins demoting each
      // other queue here instead of both seeing the other one still active.
      await manager.query(`SELECT id FROM users WHERE id = $1 OR (status = 'active' AND 'admin' = ANY(roles)) ORDER BY id FOR UPDATE`, [id]);
      const repository = manager.getRepository(UserEntity);
      const user = await repository.findOne({ where: { id } });
      if (!user) throw ApiError.notFound('User');
      const before = repository.create({ ...user, roles: [...user.roles], permissions: [...user.permissions] });
      change(user);
      if (isActiveAdmin(before) && !isActiveAdmin(user)) {
        const others = await repository.createQueryBuilder('user').where('user.id <> :id', { id }).andWhere("user.status = 'active'").andWhere("'admin' = ANY(user.roles)").getCount();
        if (others === 0) throw ApiError.conflict('The last active admin cannot be demoted, suspended or deleted', [{ field: 'id', message: 'is the last active admin', code: 'LAST_ADMIN' }]);
      }
      const after = await repository.save(user);
      return { before, after };
    });
  }

  private async afterRightsChanged(user: UserEntity, fields: string[]): Promise<void> {
    await this.floors.raise(user.id);
    await this.events.publishAndWait('user.updated', { userId: user.id, fields });
  }
}
