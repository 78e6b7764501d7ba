import type { StoredRateLimits } from './upstream-rate-limits';
import type { StoredTls } from './upstream-tls';
import type { CredentialScanMode } from './credential-scan';
import type { ToolFilter } from './tool-filter';

/** Which of a server's tools a person must allow, run by run. */
export type ConfirmTools = 'never' | 'destructive' | 'always';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';
import { ServerGroupEntity } from './server-group.entity';
import type { StoredUserConfig } from './user-config-rules';

export type TransportType = 'stdio' | 'streamable-http' | 'sse' | 'websocket';
export type ToolChangePolicy = 'serve' | 'hold';

/** Pings while connected; `timeoutMs` absent: the smaller of requestMs and 10 s. Rows made before `enabled` have none (on). */
export interface UpstreamHealthCheck {
  intervalMs: number;
  enabled?: boolean;
  timeoutMs?: number;
}

/** Copies of the server kept connected, and how calls are spread over them (the API's UpstreamReplicas). */
export interface UpstreamReplicaSettings {
  count: number;
  strategy: 'round_robin' | 'least_pending';
  /** Endpoints beside the transport's url (remote transports); absent: every copy reaches the url. */
  urls?: string[];
}

/** Which of a server's results the gateway keeps, and for how long (the API's UpstreamCache). */
export interface UpstreamCacheSettings {
  ttlSeconds: number;
  /** The upstream's own tool names; absent: the tools it annotates readOnlyHint. */
  tools?: string[];
}

/** Stored transport: secret values (env, headers) are sealed with the SecretBox. */
export interface StoredTransport {
  type: TransportType;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  url?: string;
  headers?: Record<string, string>;
  tls?: StoredTls;
}

/** Stored auth: `key` and `clientSecret` are sealed with the SecretBox. */
export interface StoredAuth {
  type: 'none' | 'api_key' | 'oauth2';
  key?: string;
  header?: string;
  prefix?: string;
  tokenUrl?: string;
  clientId?: string;
  clientSecret?: string;
  clientAuthMethod?: 'client_secret_basic' | 'client_secret_post';
  scopes?: string[];
  resource?: string;
}

/** An upstream MCP server's configuration; its live state (connection, circuit) is per instance. */
@Entity('upstream_servers')
@Unique('uq_upstream_servers_name', ['name'])
@Index('idx_upstream_servers_group', ['groupId'])
export class UpstreamServerEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_upstream_servers' })
  id!: string;

  @Column({ type: 'varchar', length: 63 })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /** Its server group; null when ungrouped (a deleted group leaves its servers here). */
  @Column({ name: 'group_id', type: 'uuid', nullable: true })
  groupId!: string | null;

  @ManyToOne(() => ServerGroupEntity, { onDelete: 'SET NULL', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'fk_upstream_servers_group' })
  group?: ServerGroupEntity;

  @Column({ type: 'jsonb' })
  transport!: StoredTransport;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ type: 'jsonb', default: { count: 1, strategy: 'round_robin' } })
  replicas!: UpstreamReplicaSettings;

  @Column({ type: 'jsonb' })
  timeouts!: { connectMs: number; requestMs: number };

  @Column({ name: 'health_check', type: 'jsonb' })
  healthCheck!: UpstreamHealthCheck;

  @Column({ name: 'rate_limits', type: 'jsonb', nullable: true })
  rateLimits!: StoredRateLimits | null;

  /** How the gateway authenticates to it beyond its headers; null: not at all. */
  @Column({ type: 'jsonb', nullable: true })
  auth!: StoredAuth | null;

  /** What each user gives it for themselves (their own credential), and where that goes; null: nothing. */
  @Column({ name: 'user_config', type: 'jsonb', nullable: true })
  userConfig!: StoredUserConfig | null;

  /** Results of its read-only tools kept by the gateway; null keeps none. */
  @Column({ type: 'jsonb', nullable: true })
  cache!: UpstreamCacheSettings | null;

  /** Only members of these organizations (and admins) may use the server; null: everyone who may run upstream tools. */
  @Column({ type: 'uuid', array: true, nullable: true })
  organizations!: string[] | null;

  /** Permissions a caller must hold, besides execute:tools, to use the server. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  permissions!: string[];

  /** Which of its tools the gateway serves; null: all. */
  @Column({ name: 'tool_filter', type: 'jsonb', nullable: true })
  toolFilter!: ToolFilter | null;

  /** Which of its tools a person must allow, run by run. */
  @Column({ name: 'confirm_tools', type: 'varchar', length: 12, default: 'never' })
  confirmTools!: ConfirmTools;

  /** What the gateway does with credentials in the server's answers. */
  @Column({ name: 'credential_scan', type: 'varchar', length: 8, default: 'off' })
  credentialScan!: CredentialScanMode;

  @Column({ type: 'jsonb', default: {} })
  metadata!: { category?: string; tags?: string[] };

  /** serve: changed tools are served at once; hold: new or changed tools wait for approval. */
  @Column({ name: 'tool_changes', type: 'varchar', length: 8, default: 'serve' })
  toolChanges!: ToolChangePolicy;

  /** The approved listing (name → fingerprint) that hold compares with; never returned. */
  @Column({ name: 'approved_tools', type: 'jsonb', nullable: true, select: false })
  approvedTools!: Record<string, string> | null;

  /** Each tool's fingerprint when the server last listed them (see tool-fingerprints.ts); never returned. */
  @Column({ name: 'tool_fingerprints', type: 'jsonb', nullable: true, select: false })
  toolFingerprints!: Record<string, string> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
