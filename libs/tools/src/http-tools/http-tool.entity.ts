import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';
import type { CredentialScanMode } from '../upstream/credential-scan';
import type { ToolCategory } from '../tool.types';
import type { StoredAuth } from '../upstream/upstream-server.entity';

export type HttpToolMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpToolIdentitySettings {
  header: string;
  audience: string;
}

/** A REST endpoint an admin serves as a tool; header values are sealed with the SecretBox. */
@Entity('http_tools')
@Unique('uq_http_tools_name', ['name'])
export class HttpToolEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_http_tools' })
  id!: string;

  @Column({ type: 'varchar', length: 63 })
  name!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'varchar', length: 20, default: 'data' })
  category!: ToolCategory;

  @Column({ type: 'varchar', length: 7 })
  method!: HttpToolMethod;

  /** With `{placeholders}` in its path. */
  @Column({ type: 'text' })
  url!: string;

  @Column({ type: 'jsonb', default: {} })
  headers!: Record<string, string>;

  @Column({ name: 'input_schema', type: 'jsonb' })
  inputSchema!: Record<string, unknown>;

  /** Arguments a body method sends as query parameters. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  query!: string[];

  @Column({ name: 'timeout_ms', type: 'integer' })
  timeoutMs!: number;

  @Column({ name: 'max_response_bytes', type: 'integer' })
  maxResponseBytes!: number;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  permissions!: string[];

  @Column({ name: 'rate_limit', type: 'jsonb', nullable: true })
  rateLimit!: { requests: number; window: string } | null;

  /** How it authenticates (an upstream server's auth): secrets sealed. */
  @Column({ type: 'jsonb', nullable: true })
  auth!: StoredAuth | null;

  /** Tell the service who the caller is, in a signed assertion: in which header, for which audience. */
  @Column({ type: 'jsonb', nullable: true })
  identity!: HttpToolIdentitySettings | null;

  /** Only members of these organizations (and admins) see and run it; null: everyone. */
  @Column({ type: 'uuid', array: true, nullable: true })
  organizations!: string[] | null;

  /** What of a successful JSON answer the caller gets (a linear part of JSONPath); null: all of it. */
  @Column({ name: 'response_path', type: 'text', nullable: true })
  responsePath!: string | null;

  /** What the gateway does with credentials in the endpoint's answers. */
  @Column({ name: 'credential_scan', type: 'varchar', length: 8, default: 'off' })
  credentialScan!: CredentialScanMode;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
