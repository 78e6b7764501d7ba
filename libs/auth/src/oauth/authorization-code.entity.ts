import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../user.entity';
import { PendingGrantColumns } from './pending-grant.columns';
import { OAuthClientEntity } from './oauth-client.entity';

/** An issued authorization code, kept as a keyed hash until it is spent (deleted) or expires. */
@Entity('oauth_authorization_codes')
@Index('idx_oauth_codes_expires', ['expiresAt'])
export class AuthorizationCodeEntity extends PendingGrantColumns {
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

  @Column({ type: 'varchar', length: 32 })
  method!: string;
}
