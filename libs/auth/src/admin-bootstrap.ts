import { AuditWriter } from '@app/audit';
import { AppConfig } from '@app/config';
import { RegisterRequestDto } from '@app/contracts';
import { EventBus } from '@app/events';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ArrayContains, DataSource } from 'typeorm';
import { PasswordHasher } from './password.hasher';
import { UserEntity } from './user.entity';

/**
 * ADMIN_EMAIL/ADMIN_PASSWORD create the first admin when no admin exists. Idempotent, and it never
 * touches an existing password. An existing account with that email is promoted only when
 * ADMIN_PASSWORD is its password: registration is open, so anyone could have taken the address
 * first, and promoting their account would hand them the server.
 */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminBootstrap');

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditWriter,
    private readonly events: EventBus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail: email, adminPassword: password } = this.config;
    if (!email || !password) return;
    const users = this.dataSource.getRepository(UserEntity);
    if (await users.exists({ where: { roles: ArrayContains(['admin']), status: 'active' } })) return;
    const existing = await users.findOne({ where: { email } });
    if (existing) return this.promote(existing, password);
    await this.assertPolicy(email, password);
    const admin = await users.save(users.create({ email, name: 'Administrator', passwordHash: await this.hasher.hash(password), roles: ['admin'], permissions: [], emailVerifiedAt: new Date() }));
    this.logger.log(`created the first admin ${email}`);
    await this.audit.record({ action: 'user.bootstrap_admin', result: 'success', userId: admin.id, details: { email, promoted: false } });
    await this.events.publishDurable('user.created', { userId: admin.id, email, roles: admin.roles, source: 'bootstrap' });
  }

  private async promote(existing: UserEntity, password: string): Promise<void> {
    const { email } = existing;
    const refusal = existing.status !== 'active' ? `the account is ${existing.status}` : !(await this.hasher.verify(existing.passwordHash, password)) ? 'ADMIN_PASSWORD is not its password' : undefined;
    if (refusal) {
      this.logger.error(`no admin exists and ${email} is an existing account, not promoted: ${refusal}. Sign in as that account's owner or choose another ADMIN_EMAIL`);
      await this.audit.record({ action: 'user.bootstrap_admin', result: 'failure', userId: existing.id, details: { email, promoted: false, reason: refusal } });
      return;
    }
    // The operator named the address and knows its password: that vouches for it.
    await this.dataSource.getRepository(UserEntity).update({ id: existing.id }, { roles: [...new Set([...existing.roles, 'admin'])], emailVerifiedAt: existing.emailVerifiedAt ?? new Date() });
    this.events.publish('user.updated', { userId: existing.id, fields: ['roles'] });
    this.logger.warn(`no admin existed: promoted ${email}, whose password is ADMIN_PASSWORD, to admin`);
    await this.audit.record({ action: 'user.bootstrap_admin', result: 'success', userId: existing.id, details: { email, promoted: true } });
  }

  // The same rules as registration, from the same generated DTO.
  private async assertPolicy(email: string, password: string): Promise<void> {
    const errors = await validate(plainToInstance(RegisterRequestDto, { email, password, name: 'Administrator' }));
    if (errors.length > 0) {
      const fields = errors.map((error) => (error.property === 'email' ? 'ADMIN_EMAIL' : 'ADMIN_PASSWORD'));
      throw new Error(`Invalid configuration: ${fields[0]} does not meet the account policy (${Object.values(errors[0].constraints ?? {}).join('; ')})`);
    }
  }
}
