import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';

export type UserStatus = 'active' | 'suspended' | 'deleted';
export type MfaMethod = 'totp' | 'sms';
/** Where the account came from: SSO-provisioned accounts take their roles from the IdP. */
export type AuthSource = 'local' | 'saml';

@Entity('users')
@Unique('uq_users_email', ['email'])
export class UserEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_users' })
  id!: string;

  @Column({ type: 'varchar', length: 320 })
  email!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  organization!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  phone!: string | null;

  // Null for users who only sign in through SSO.
  @Column({ name: 'password_hash', type: 'varchar', length: 255, nullable: true })
  passwordHash!: string | null;

  @Column({ type: 'text', array: true, default: () => "'{user}'" })
  roles!: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  permissions!: string[];

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: UserStatus;

  /** True once an enrolment is confirmed; `mfaMethod` alone (without this) is a pending enrolment. */
  @Column({ name: 'mfa_enabled', type: 'boolean', default: false })
  mfaEnabled!: boolean;

  @Column({ name: 'mfa_method', type: 'varchar', length: 8, nullable: true })
  mfaMethod!: MfaMethod | null;

  /** The TOTP secret, sealed with the SecretBox (AES-256-GCM); never stored in clear. */
  @Column({ name: 'mfa_secret', type: 'text', nullable: true })
  mfaSecret!: string | null;

  @Column({ name: 'mfa_phone', type: 'varchar', length: 16, nullable: true })
  mfaPhone!: string | null;

  /** Keyed hashes of the unused backup codes; a code is removed when it is used. */
  @Column({ name: 'mfa_backup_codes', type: 'text', array: true, default: () => "'{}'" })
  mfaBackupCodes!: string[];

  /** The last accepted TOTP time step: codes of this step or earlier are refused (no replay). */
  @Column({ name: 'mfa_last_step', type: 'bigint', nullable: true })
  mfaLastStep!: string | null;

  @Column({ name: 'auth_source', type: 'varchar', length: 16, default: 'local' })
  authSource!: AuthSource;

  /**
   * When the address was proven: an IdP vouched for it, or an admin made the account. Null for
   * self sign-up, which proves nothing: single sign-on with the address claims such an account.
   */
  @Column({ name: 'email_verified_at', type: 'timestamptz', nullable: true })
  emailVerifiedAt!: Date | null;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
