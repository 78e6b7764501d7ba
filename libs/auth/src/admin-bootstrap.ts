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
 * touches an existing password: an existing account with that email is promoted, not reset.
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
    if (existing) {
      await users.update({ id: existing.id }, { roles: [...new Set([...existing.roles, 'admin'])], status: 'active' });
      this.events.publish('user.updated', { userId: existing.id, fields: ['roles', 'status'] });
      this.logger.warn(`no admin existed: promoted ${email} to admin (its password was left unchanged)`);
      await this.audit.record({ action: 'user.bootstrap_admin', result: 'success', userId: existing.id, details: { email, promoted: true } });
      return;
    }
    await this.assertPolicy(email, password);
    const admin = await users.save(users.create({ email, name: 'Administrator', passwordHash: await this.hasher.hash(password), roles: ['admin'], permissions: [] }));
    this.logger.log(`created the first admin ${email}`);
    await this.audit.record({ action: 'user.bootstrap_admin', result: 'success', userId: admin.id, details: { email, promoted: false } });
    await this.events.publishDurable('user.created', { userId: admin.id, email, roles: admin.roles, source: 'bootstrap' });
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
