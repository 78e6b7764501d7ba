import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** A one-time token an admin-created user sets their password with; only its hash is kept. */
@Entity('password_setup_tokens')
@Unique('uq_password_setup_tokens_hash', ['tokenHash'])
export class PasswordSetupTokenEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_password_setup_tokens' })
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt!: Date | null;

  /** The address it was mailed to (a forgotten password); null when it was handed to an admin. */
  @Column({ name: 'mailed_to', type: 'varchar', length: 320, nullable: true })
  mailedTo!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
