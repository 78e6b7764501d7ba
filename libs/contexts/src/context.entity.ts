import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type ContextStatus = 'active' | 'archived';

export interface ContextSettingsValue {
  maxExecutionTime?: number;
  retryPolicy?: { maxRetries?: number; backoffMultiplier?: number };
}

/** A user's working set: the tools runs may use, free metadata, and run settings. */
@Entity('contexts')
@Index('idx_contexts_user_created', ['userId', 'createdAt'])
@Index('idx_contexts_user_updated', ['userId', 'updatedAt'])
export class ContextEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_contexts' })
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: ContextStatus;

  @Column({ type: 'jsonb', default: {} })
  metadata!: Record<string, unknown>;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tools!: string[];

  @Column({ type: 'jsonb', default: {} })
  settings!: ContextSettingsValue;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
