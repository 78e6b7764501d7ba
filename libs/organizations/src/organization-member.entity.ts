import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { OrganizationEntity } from './organization.entity';

export type OrganizationRole = 'member' | 'admin';

/** A user's membership: one organization at most, so the user is the key. */
@Entity('organization_members')
@Index('idx_organization_members_organization', ['organizationId', 'joinedAt'])
export class OrganizationMemberEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'pk_organization_members' })
  userId!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_organization_members_organization' })
  organization?: OrganizationEntity;

  @Column({ type: 'varchar', length: 16 })
  role!: OrganizationRole;

  @CreateDateColumn({ name: 'joined_at', type: 'timestamptz' })
  joinedAt!: Date;
}
