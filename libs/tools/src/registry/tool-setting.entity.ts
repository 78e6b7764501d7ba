import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** An admin's settings of one tool, by its id; applied whenever it registers again. */
@Entity('tool_settings')
export class ToolSettingEntity {
  @PrimaryColumn({ name: 'tool_id', type: 'varchar', length: 200, primaryKeyConstraintName: 'pk_tool_settings' })
  toolId!: string;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /** true: a person allows each run; false: never asked; null: as its server says. */
  @Column({ name: 'requires_confirmation', type: 'boolean', nullable: true })
  requiresConfirmation!: boolean | null;

  /** The tool's own tags (its server's are added when it is shown). */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags!: string[];

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'updated_by', type: 'uuid' })
  updatedBy!: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
