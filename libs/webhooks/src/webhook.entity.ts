import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('webhooks')
export class WebhookEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_webhooks' })
  id!: string;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ type: 'text', array: true })
  events!: string[];

  /** Sealed with the SecretBox; shown once, when created. */
  @Column({ type: 'text' })
  secret!: string;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  // Counted as deliveries end (the dispatcher), never by the ORM: bigint arrives as text.
  @Column({ name: 'delivered_count', type: 'bigint', default: 0, update: false })
  deliveredCount!: string;

  @Column({ name: 'failed_count', type: 'bigint', default: 0, update: false })
  failedCount!: string;

  @Column({ name: 'last_delivery_at', type: 'timestamptz', nullable: true, update: false })
  lastDeliveryAt!: Date | null;

  @Column({ name: 'last_failure_at', type: 'timestamptz', nullable: true, update: false })
  lastFailureAt!: Date | null;
}

export type DeliveryStatus = 'pending' | 'delivering' | 'delivered' | 'failed';

/** One (event, webhook) pair: the outbox row, written in the same commit as the event's action. */
@Entity('webhook_deliveries')
@Index('idx_webhook_deliveries_due', ['status', 'nextAttemptAt'])
@Index('idx_webhook_deliveries_webhook_created', ['webhookId', 'createdAt'])
@Index('idx_webhook_deliveries_failed', ['webhookId', 'createdAt', 'id'], { where: "status = 'failed'" })
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_webhook_deliveries' })
  id!: string;

  @Column({ name: 'webhook_id', type: 'uuid' })
  webhookId!: string;

  @ManyToOne(() => WebhookEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'webhook_id', foreignKeyConstraintName: 'fk_webhook_deliveries_webhook' })
  webhook?: WebhookEntity;

  @Column({ type: 'varchar', length: 64 })
  event!: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  /** `{event, timestamp, data}`; signed at send time. */
  @Column({ type: 'jsonb' })
  payload!: { event: string; timestamp: string; data: unknown };

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: DeliveryStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;

  @Column({ name: 'last_status_code', type: 'integer', nullable: true })
  lastStatusCode!: number | null;

  @Column({ name: 'last_duration_ms', type: 'integer', nullable: true })
  lastDurationMs!: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'response_snippet', type: 'text', nullable: true })
  responseSnippet!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;
}
