import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { UpstreamServerEntity } from './upstream-server.entity';

/** An organization's configuration of one upstream server, for every member without one of their own; sealed as a whole. */
@Entity('upstream_organization_configs')
@Index('idx_upstream_organization_configs_organization', ['organizationId'])
export class UpstreamOrganizationConfigEntity {
  @PrimaryColumn({ name: 'server_id', type: 'uuid', primaryKeyConstraintName: 'pk_upstream_organization_configs' })
  serverId!: string;

  @PrimaryColumn({ name: 'organization_id', type: 'uuid', primaryKeyConstraintName: 'pk_upstream_organization_configs' })
  organizationId!: string;

  @ManyToOne(() => UpstreamServerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'server_id', foreignKeyConstraintName: 'fk_upstream_organization_configs_server' })
  server?: UpstreamServerEntity;

  /** The values as JSON, sealed with the SecretBox. */
  @Column({ type: 'text', select: false })
  sealed!: string;

  /** The names of the fields that hold a value (never the values). */
  @Column({ type: 'text', array: true })
  fields!: string[];

  /** The organization admin who gave it last. */
  @Column({ name: 'updated_by', type: 'uuid' })
  updatedBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
