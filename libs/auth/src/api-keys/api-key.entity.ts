import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { UserEntity } from '../user.entity';

@Entity('api_keys')
@Unique('uq_api_keys_hash', ['keyHash'])
@Index('idx_api_keys_user_created', ['userId', 'createdAt'])
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_api_keys' })
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_api_keys_user' })
  user?: UserEntity;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** The first characters of the key, shown so owners can tell keys apart. */
  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  /** HMAC of the key: the key itself is never stored. */
  @Column({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash!: string;

  @Column({ type: 'text', array: true })
  scopes!: string[];

  /** Addresses and CIDR networks the key works from; empty: anywhere. */
  @Column({ name: 'allowed_ips', type: 'text', array: true, default: () => "'{}'" })
  allowedIps!: string[];

  /** The key's own limit, on top of every other; null, none. */
  @Column({ name: 'rate_limit', type: 'jsonb', nullable: true })
  rateLimit!: { requests: number; window: string } | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
