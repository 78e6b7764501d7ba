import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../user.entity';
import { OAuthClientEntity } from './oauth-client.entity';

/** An issued authorization code, kept as a keyed hash until it is spent (deleted) or expires. */
@Entity('oauth_authorization_codes')
@Index('idx_oauth_codes_expires', ['expiresAt'])
export class AuthorizationCodeEntity {
  @PrimaryColumn({ name: 'code_hash', type: 'varchar', length: 64, primaryKeyConstraintName: 'pk_oauth_authorization_codes' })
  codeHash!: string;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId!: string;

  @ManyToOne(() => OAuthClientEntity, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'fk_oauth_codes_client' })
  client?: OAuthClientEntity;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_oauth_codes_user' })
  user?: UserEntity;

  @Column({ name: 'redirect_uri', type: 'text' })
  redirectUri!: string;

  @Column({ name: 'code_challenge', type: 'varchar', length: 128 })
  codeChallenge!: string;

  @Column({ type: 'text', array: true, nullable: true })
  scope!: string[] | null;

  @Column({ type: 'text', nullable: true })
  resource!: string | null;

  @Column({ type: 'varchar', length: 32 })
  method!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
