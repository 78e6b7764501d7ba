import { EmailVerification } from './email/email-verification.service';
import { AuditWriter } from '@app/audit';
import { ApiError, type RequestOrigin, sqlState } from '@app/common';
import { AppConfig } from '@app/config';
import type { RegisterRequestDto, User } from '@app/contracts';
import { EventBus } from '@app/events';
import type { PermissionLookup } from '@app/security';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import './auth.events';
import { PasswordHasher } from './password.hasher';
import { UserEntity } from './user.entity';
import { toUserView } from './user.view';

const UNIQUE_VIOLATION = '23505';
const VIEW_TTL_MS = 5_000;
const VIEW_CACHE_MAX = 10_000;

@Injectable()
export class UsersService implements OnModuleDestroy, PermissionLookup {
  private readonly users: Repository<UserEntity>;

  private readonly views = new Map<string, { view: User; at: number }>();
  private readonly unsubscribe: () => void;

  constructor(
    dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditWriter,
    private readonly events: EventBus,
    private readonly config: AppConfig,
    private readonly verification: EmailVerification,
  ) {
    this.users = dataSource.getRepository(UserEntity);
    this.unsubscribe = events.on('user.updated', (event) => {
      this.views.delete(event.payload.userId);
    });
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { email } });
  }

  /** Whether the account was claimed through single sign-on (its address proven) after `instant`. */
  async claimedSince(id: string, instant: Date): Promise<boolean> {
    const rows = (await this.users.query(`SELECT 1 FROM users WHERE id = $1 AND email_verified_at > $2`, [id, instant])) as unknown[];
    return rows.length > 0;
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { id } });
  }

  /**
   * Stamps the login on the row and on `user` alike: updatedAt is set here rather than left to the
   * database's now(), so the login answer built from `user` matches what /users/me reads next.
   */
  async recordLogin(user: UserEntity): Promise<void> {
    const now = new Date();
    await this.users.update({ id: user.id }, { lastLoginAt: now, updatedAt: now });
    user.lastLoginAt = now;
    user.updatedAt = now;
    this.views.delete(user.id);
  }

  /** A user's record changed outside this service: drop cached views here and on every instance. */
  changed(userId: string, fields: string[]): void {
    this.views.delete(userId);
    this.events.publish('user.updated', { userId, fields });
  }

  /**
   * The caller's own record. Served from a short-lived cache: profiles change rarely, and every
   * change publishes `user.updated`, which evicts the entry on every instance.
   */
  async me(userId: string): Promise<User> {
    const cached = this.views.get(userId);
    if (cached && Date.now() - cached.at < VIEW_TTL_MS) return cached.view;
    const user = await this.findById(userId);
    if (!user || user.status === 'deleted') throw ApiError.unauthorized('User no longer exists', 'TOKEN_REVOKED');
    const view = toUserView(user);
    if (this.views.size >= VIEW_CACHE_MAX) this.views.delete(this.views.keys().next().value as string);
    this.views.set(userId, { view, at: Date.now() });
    return view;
  }

  /** What the user holds now, from the same cached record (none unless active). */
  async heldBy(userId: string): Promise<readonly string[]> {
    try {
      const view = await this.me(userId);
      return view.status === 'active' ? view.permissions : [];
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return [];
      throw error;
    }
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /** Self-service sign-up: role `user`; answers once the user and its audit entry are committed. */
  async register(input: RegisterRequestDto, origin: RequestOrigin): Promise<User> {
    await this.admitSignUp(input.email, origin);
    const passwordHash = await this.hasher.hash(input.password);
    let user: UserEntity;
    try {
      user = await this.users.save(
        this.users.create({
          email: input.email,
          name: input.name,
          organization: input.organization ?? null,
          phone: input.phone ?? null,
          passwordHash,
          roles: ['user'],
          permissions: [],
        }),
      );
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) {
        await this.audit.record({ action: 'user.register', result: 'failure', details: { email: input.email, reason: 'email taken' }, origin });
        throw ApiError.conflict('A user with this email already exists', [{ field: 'email', message: 'email is already registered', code: 'ALREADY_EXISTS' }]);
      }
      throw error;
    }
    await this.audit.record({ action: 'user.register', result: 'success', userId: user.id, resource: `user:${user.id}`, details: { email: user.email }, origin });
    await this.events.publishDurable('user.created', { userId: user.id, email: user.email, roles: user.roles, source: 'register' });
    // The mail server's pace is not the sign-up's: the mail goes out after the answer.
    void this.verification.afterSignUp(user, origin).catch(() => undefined);
    return toUserView(user);
  }

  /** Before any work is spent on it (the password hash): is sign-up open, and to this address's domain? */
  private async admitSignUp(email: string, origin: RequestOrigin): Promise<void> {
    const { open, emailDomains } = this.config.registration;
    const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
    const refusal = !open ? 'Registration is closed: an administrator creates accounts' : emailDomains.length > 0 && !emailDomains.includes(domain) ? `Registration is open to addresses at ${emailDomains.join(', ')} only` : undefined;
    if (!refusal) return;
    await this.audit.record({ action: 'user.register', result: 'denied', details: { email, reason: open ? 'email domain not allowed' : 'registration closed' }, origin });
    throw ApiError.forbidden(refusal);
  }
}
