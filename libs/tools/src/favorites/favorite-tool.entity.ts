import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A tool a user marked as a favorite, by its id (kept when the tool goes away). */
@Entity('favorite_tools')
export class FavoriteToolEntity {
  @PrimaryColumn('uuid', { name: 'user_id', primaryKeyConstraintName: 'pk_favorite_tools' })
  userId!: string;

  @PrimaryColumn('varchar', { name: 'tool_id', length: 200, primaryKeyConstraintName: 'pk_favorite_tools' })
  toolId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
