import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type AuditResult = 'success' | 'failure' | 'denied';
export type AuditSeverity = 'info' | 'warning' | 'error' | 'critical';

@Entity('audit_logs')
@Index('idx_audit_logs_timestamp', ['timestamp'])
@Index('idx_audit_logs_user_timestamp', ['userId', 'timestamp'])
@Index('idx_audit_logs_severity', ['severity', 'timestamp'])
@Index('idx_audit_logs_api_key', ['apiKeyId', 'timestamp'], { where: 'api_key_id IS NOT NULL' })
// Created by the migrations with varchar_pattern_ops, which TypeORM cannot describe.
@Index('idx_audit_logs_action', { synchronize: false })
@Index('idx_audit_logs_resource', { synchronize: false })
export class AuditLogEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_audit_logs' })
  id!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  timestamp!: Date;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @Column({ type: 'varchar', length: 100 })
  action!: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  resource!: string | null;

  @Column({ type: 'jsonb', default: {} })
  details!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16 })
  result!: AuditResult;

  @Column({ name: 'ip_address', type: 'varchar', length: 64, nullable: true })
  ipAddress!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;

  @Column({ type: 'varchar', length: 16 })
  severity!: AuditSeverity;

  @Column({ name: 'session_id', type: 'varchar', length: 64, nullable: true })
  sessionId!: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;

  /** The API key the action was made with; null for a sign-in's token, or no caller. */
  @Column({ name: 'api_key_id', type: 'uuid', nullable: true })
  apiKeyId!: string | null;
}
