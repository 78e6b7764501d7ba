import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** What an organization has (the MCP Online Platform's plan): `maxUsers` and `dailyToolRuns` are enforced, `features` describe it. */
export interface StoredPlan {
  readonly id?: string;
  readonly name: string;
  readonly features: readonly string[];
  readonly maxUsers?: number;
  /** Tool runs its members may start in a UTC day, all together. */
  readonly dailyToolRuns?: number;
}

/** A customer's organization: its members (organization_members) and its plan. */
@Entity('organizations')
export class OrganizationEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_organizations' })
  id!: string;

  /** Unique in any case (an index on lower(name)). */
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'jsonb' })
  plan!: StoredPlan;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
