import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../user.entity';
import { PendingGrantColumns } from './pending-grant.columns';
import { OAuthClientEntity } from './oauth-client.entity';

/** A checked authorization request parked while the user signs in at the SAML IdP (10 minutes, once). */
@Entity('oauth_sso_requests')
@Index('idx_oauth_sso_requests_expires', ['expiresAt'])
export class OAuthSsoRequestEntity extends PendingGrantColumns {
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64, primaryKeyConstraintName: 'pk_oauth_sso_requests' })
  tokenHash!: string;

  /** Keyed hash of the cookie set in the browser that asked for SSO: only that browser completes it. */
  @Column({ name: 'binding_hash', type: 'varchar', length: 64 })
  bindingHash!: string;

  /** The user the IdP vouched for, once it has. */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_oauth_sso_requests_user' })
  user?: UserEntity;

  /** Keyed hash of the secret in the redirect after the assertion: only the browser the IdP sent back has it. */
  @Column({ name: 'completion_hash', type: 'varchar', length: 64, nullable: true })
  completionHash!: string | null;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId!: string;

  @ManyToOne(() => OAuthClientEntity, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'fk_oauth_sso_requests_client' })
  client?: OAuthClientEntity;

  @Column({ type: 'text', nullable: true })
  state!: string | null;
}
