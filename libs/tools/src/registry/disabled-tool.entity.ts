import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A tool an admin switched off, by its id; it stays off whenever it registers again. */
@Entity('disabled_tools')
export class DisabledToolEntity {
  @PrimaryColumn({ name: 'tool_id', type: 'varchar', length: 200, primaryKeyConstraintName: 'pk_disabled_tools' })
  toolId!: string;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'disabled_by', type: 'uuid' })
  disabledBy!: string;

  @CreateDateColumn({ name: 'disabled_at', type: 'timestamptz' })
  disabledAt!: Date;
}
