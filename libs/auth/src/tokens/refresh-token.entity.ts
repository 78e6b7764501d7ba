import { SessionEntity } from '@app/sessions';
import { OAuthClientEntity } from '../oauth/oauth-client.entity';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** One refresh token, stored only as a keyed hash; tokens rotated from one login share a family. */
@Entity('refresh_tokens')
@Unique('uq_refresh_tokens_hash', ['tokenHash'])
@Index('idx_refresh_tokens_family', ['familyId'])
@Index('idx_refresh_tokens_client', ['clientId'])
export class RefreshTokenEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_refresh_tokens' })
  id!: string;

  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ name: 'family_id', type: 'uuid' })
  familyId!: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId!: string;

  @ManyToOne(() => SessionEntity, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'fk_refresh_tokens_session' })
  session?: SessionEntity;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  /** Set when issued through OAuth: only that client may spend it. */
  @Column({ name: 'client_id', type: 'uuid', nullable: true })
  clientId!: string | null;

  @ManyToOne(() => OAuthClientEntity, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'fk_refresh_tokens_oauth_client' })
  client?: OAuthClientEntity;

  /** The permissions an OAuth grant was narrowed to; null: all the user holds. */
  @Column({ type: 'text', array: true, nullable: true })
  scope!: string[] | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
