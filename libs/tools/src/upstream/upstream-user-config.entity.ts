import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { UpstreamServerEntity } from './upstream-server.entity';

/** One user's own configuration of one upstream server (their credential for it), sealed as a whole. */
@Entity('upstream_user_configs')
@Index('idx_upstream_user_configs_user', ['userId'])
export class UpstreamUserConfigEntity {
  @PrimaryColumn({ name: 'server_id', type: 'uuid', primaryKeyConstraintName: 'pk_upstream_user_configs' })
  serverId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'pk_upstream_user_configs' })
  userId!: string;

  @ManyToOne(() => UpstreamServerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'server_id', foreignKeyConstraintName: 'fk_upstream_user_configs_server' })
  server?: UpstreamServerEntity;

  /** The values as JSON, sealed with the SecretBox. */
  @Column({ type: 'text', select: false })
  sealed!: string;

  /** The names of the fields that hold a value (what the user is shown; never the values). */
  @Column({ type: 'text', array: true })
  fields!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
