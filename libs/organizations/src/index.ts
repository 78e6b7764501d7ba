export { OrganizationMemberEntity } from './organization-member.entity';
export type { OrganizationRole } from './organization-member.entity';
export { OrganizationEntity } from './organization.entity';
export type { StoredPlan } from './organization.entity';
export { OrganizationsModule } from './organizations.module';
export { OrganizationsService } from './organizations.service';
