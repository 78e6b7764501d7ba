import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { OAuthClientEntity } from './oauth-client.entity';

/** A checked authorization request parked while the user signs in at the SAML IdP (10 minutes). */
@Entity('oauth_sso_requests')
@Index('idx_oauth_sso_requests_expires', ['expiresAt'])
export class OAuthSsoRequestEntity {
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64, primaryKeyConstraintName: 'pk_oauth_sso_requests' })
  tokenHash!: string;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId!: string;

  @ManyToOne(() => OAuthClientEntity, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'fk_oauth_sso_requests_client' })
  client?: OAuthClientEntity;

  @Column({ name: 'redirect_uri', type: 'text' })
  redirectUri!: string;

  @Column({ name: 'code_challenge', type: 'varchar', length: 128 })
  codeChallenge!: string;

  @Column({ type: 'text', array: true, nullable: true })
  scope!: string[] | null;

  @Column({ type: 'text', nullable: true })
  resource!: string | null;

  @Column({ type: 'text', nullable: true })
  state!: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
