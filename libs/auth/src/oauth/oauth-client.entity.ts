import type { JsonWebKey } from 'node:crypto';
import { Column, CreateDateColumn, Entity, PrimaryColumn, Unique } from 'typeorm';

export type ClientAuthMethod = 'none' | 'client_secret_post' | 'client_secret_basic' | 'private_key_jwt';

/** An OAuth client (an MCP client that signs users in): registered (RFC 7591), or known by its metadata document. */
@Entity('oauth_clients')
@Unique('uq_oauth_clients_metadata_url', ['metadataUrl'])
export class OAuthClientEntity {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'pk_oauth_clients' })
  id!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  name!: string | null;

  @Column({ name: 'redirect_uris', type: 'text', array: true })
  redirectUris!: string[];

  @Column({ name: 'grant_types', type: 'text', array: true })
  grantTypes!: string[];

  @Column({ name: 'auth_method', type: 'varchar', length: 32 })
  authMethod!: ClientAuthMethod;

  @Column({ name: 'secret_hash', type: 'varchar', length: 64, nullable: true })
  secretHash!: string | null;

  @Column({ type: 'text', array: true, nullable: true })
  scope!: string[] | null;

  /** A private_key_jwt client's public keys, when given inline (a JWK Set's `keys`). */
  @Column({ type: 'jsonb', nullable: true })
  jwks!: JsonWebKey[] | null;

  /** Where a private_key_jwt client publishes its public keys (a JWK Set), when not inline. */
  @Column({ name: 'jwks_uri', type: 'varchar', length: 2000, nullable: true })
  jwksUri!: string | null;

  @Column({ name: 'client_uri', type: 'varchar', length: 2000, nullable: true })
  clientUri!: string | null;

  @Column({ name: 'software_id', type: 'varchar', length: 200, nullable: true })
  softwareId!: string | null;

  @Column({ name: 'software_version', type: 'varchar', length: 200, nullable: true })
  softwareVersion!: string | null;

  /** The URL of the client's metadata document, which is its client_id; null for a registered client. */
  @Column({ name: 'metadata_url', type: 'varchar', length: 2000, nullable: true })
  metadataUrl!: string | null;

  /** When the document kept here must be fetched again. */
  @Column({ name: 'metadata_expires_at', type: 'timestamptz', nullable: true })
  metadataExpiresAt!: Date | null;

  @Column({ name: 'registered_from', type: 'varchar', length: 64, nullable: true })
  registeredFrom!: string | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
