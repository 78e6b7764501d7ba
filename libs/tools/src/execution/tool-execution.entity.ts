import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type ExecutionStatus = 'pending' | 'running' | 'completed' | 'failed';

/** One run of a tool. Async runs are written `pending` first (the outbox), so none is lost. */
@Entity('tool_executions')
@Index('idx_tool_executions_tool_created', ['toolId', 'createdAt'])
@Index('idx_tool_executions_user_created', ['userId', 'createdAt'])
@Index('idx_tool_executions_unfinished', ['status', 'createdAt'], { where: "status IN ('pending', 'running')" })
@Index('idx_tool_executions_failed_tool', ['toolId', 'createdAt', 'id'], { where: "status = 'failed'" })
@Index('idx_tool_executions_failed_user', ['userId', 'createdAt', 'id'], { where: "status = 'failed'" })
@Index('idx_tool_executions_user_async', ['userId', 'createdAt', 'id'], { where: 'is_async' })
export class ToolExecutionEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_tool_executions' })
  id!: string;

  @Column({ name: 'tool_id', type: 'varchar', length: 200 })
  toolId!: string;

  @Column({ name: 'tool_name', type: 'varchar', length: 200 })
  toolName!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'session_id', type: 'varchar', length: 64, nullable: true })
  sessionId!: string | null;

  @Column({ name: 'context_id', type: 'varchar', length: 64, nullable: true })
  contextId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: ExecutionStatus;

  @Column({ name: 'is_async', type: 'boolean', default: false })
  isAsync!: boolean;

  /** Redacted: secret fields never stored. */
  @Column({ type: 'jsonb', default: {} })
  parameters!: Record<string, unknown>;

  @Column({ type: 'jsonb', nullable: true })
  result!: unknown;

  @Column({ type: 'jsonb', nullable: true })
  error!: { code: string; message: string } | null;

  @Column({ name: 'timeout_ms', type: 'integer' })
  timeoutMs!: number;

  /** Who asked, for async runs that start later (possibly on another instance). */
  @Column({ type: 'jsonb', nullable: true })
  caller!: Record<string, unknown> | null;

  /** The full input of a pending async run, sealed (it may hold secrets); cleared once it runs. */
  @Column({ name: 'pending_input', type: 'text', nullable: true })
  pendingInput!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  @Column({ name: 'memory_used', type: 'integer', nullable: true })
  memoryUsed!: number | null;

  /** Runs made; more than one when a context's retry policy retried transient failures. */
  @Column({ type: 'integer', default: 1 })
  attempts!: number;

  /** Served from the cache of upstream results, without calling the upstream. */
  @Column({ type: 'boolean', default: false })
  cached!: boolean;
}
