import { AuditWriter } from '@app/audit';
import { ApiError, offsetPagination, type RequestOrigin, sqlState, utcDaysUpTo } from '@app/common';
import type { McpService, McpServiceList, Organization, OrganizationAssignmentDto, OrganizationInputDto, OrganizationList, OrganizationMember, OrganizationMemberList, OrganizationUsage } from '@app/contracts';
import { type AuthenticatedUser, requireOwnSignIn } from '@app/security';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import { HttpToolsService, McpServicesService, UpstreamService } from '@app/tools';
import { OrganizationMemberships } from './organization-memberships';
import { OrganizationMemberEntity, type OrganizationRole } from './organization-member.entity';
import { OrganizationEntity, type StoredPlan } from './organization.entity';

/** Organizations made without a plan have this one: no limit on members. */
const DEFAULT_PLAN: StoredPlan = { name: 'Standard', features: [] };

interface Counts {
  readonly usersCount: number;
  readonly servicesCount: number;
  readonly toolRunsToday: number;
}

interface MemberRow {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly organizationId: string;
  readonly role: OrganizationRole;
  readonly joinedAt: Date;
  readonly lastLoginAt: Date | null;
}

interface Page {
  readonly page: number;
  readonly limit: number;
}

function planOf(input: OrganizationInputDto['plan']): StoredPlan {
  if (!input) return DEFAULT_PLAN;
  return { ...(input.id ? { id: input.id } : {}), name: input.name, features: [...(input.features ?? [])], ...(input.maxUsers ? { maxUsers: input.maxUsers } : {}), ...(input.dailyToolRuns ? { dailyToolRuns: input.dailyToolRuns } : {}) };
}

function viewOf(organization: OrganizationEntity, counts: Counts): Organization {
  return {
    id: organization.id,
    name: organization.name,
    plan: { ...organization.plan, features: [...organization.plan.features] },
    ...counts,
    createdAt: organization.createdAt.toISOString(),
    updatedAt: organization.updatedAt.toISOString(),
  };
}

function memberView(row: MemberRow): OrganizationMember {
  return { id: row.id, email: row.email, name: row.name, organizationId: row.organizationId, role: row.role, joinedAt: new Date(row.joinedAt).toISOString(), lastLoginAt: row.lastLoginAt ? new Date(row.lastLoginAt).toISOString() : null };
}


const MEMBERS_SQL = `SELECT u.id, u.email, u.name, m.organization_id AS "organizationId", m.role, m.joined_at AS "joinedAt", u.last_login_at AS "lastLoginAt"
  FROM organization_members m JOIN users u ON u.id = m.user_id`;

/**
 * Organizations (the MCP Online Platform's): admins make them and put users in them, one each at
 * most; members see theirs, its admins its members. A plan's `maxUsers` is held to.
 */
@Injectable()
export class OrganizationsService {
  private readonly organizations: Repository<OrganizationEntity>;
  private readonly members: Repository<OrganizationMemberEntity>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditWriter,
    private readonly memberships: OrganizationMemberships,
    private readonly upstreams: UpstreamService,
    private readonly services: McpServicesService,
    private readonly httpTools: HttpToolsService,
  ) {
    this.organizations = dataSource.getRepository(OrganizationEntity);
    this.members = dataSource.getRepository(OrganizationMemberEntity);
  }

  async list(q: string | undefined, page: Page): Promise<OrganizationList> {
    const pattern = q ? `%${q.toLowerCase().replace(/[\\%_]/g, (match) => `\\${match}`)}%` : '%';
    const [rows, [{ total }]] = await Promise.all([
      this.organizations.query(`SELECT id FROM organizations WHERE lower(name) LIKE $1 ORDER BY lower(name), id LIMIT $2 OFFSET $3`, [pattern, page.limit, (page.page - 1) * page.limit]) as Promise<Array<{ id: string }>>,
      this.organizations.query(`SELECT count(*)::int AS total FROM organizations WHERE lower(name) LIKE $1`, [pattern]) as Promise<Array<{ total: number }>>,
    ]);
    const ids = rows.map(({ id }) => id);
    const [found, counts] = await Promise.all([this.organizations.findBy(ids.map((id) => ({ id }))), this.countsOf(ids)]);
    const byId = new Map(found.map((organization) => [organization.id, organization]));
    const views = ids.flatMap((id) => {
      const organization = byId.get(id);
      const counted = counts.get(id);
      return organization && counted ? [viewOf(organization, counted)] : [];
    });
    return { organizations: views, pagination: offsetPagination(page.page, page.limit, total) };
  }

  async get(id: string): Promise<Organization> {
    return this.view(await this.find(id));
  }

  async create(input: OrganizationInputDto, actor: string, origin: RequestOrigin): Promise<Organization> {
    const organization = await this.saveNamed(this.organizations.create({ name: input.name, plan: planOf(input.plan) }));
    await this.audit.record({ action: 'organization.create', result: 'success', userId: actor, resource: `organization:${organization.id}`, details: { name: organization.name, plan: organization.plan.name }, origin });
    return this.view(organization);
  }

  /** A plan with room for fewer members than it has is refused: nobody is put out by a plan change. */
  async update(id: string, input: OrganizationInputDto, actor: string, origin: RequestOrigin): Promise<Organization> {
    const updated = await this.dataSource.transaction(async (manager) => {
      const existing = await this.lockOrganization(manager, id);
      const plan = input.plan ? planOf(input.plan) : existing.plan;
      const members = await this.countMembers(manager, id);
      if (plan.maxUsers !== undefined && members > plan.maxUsers) throw ApiError.conflict(`The organization has ${members} members, more than the plan's ${plan.maxUsers}: take some out first`);
      return this.saveNamed({ ...existing, name: input.name, plan }, manager);
    });
    this.memberships.changed(id);
    await this.audit.record({ action: 'organization.update', result: 'success', userId: actor, resource: `organization:${id}`, details: { name: updated.name, plan: updated.plan.name }, origin });
    return this.view(updated);
  }

  /** Its members stay users, in no organization; servers and HTTP tools kept to it are no longer (admins only, if to it alone). */
  async remove(id: string, actor: string, origin: RequestOrigin): Promise<void> {
    const organization = await this.find(id);
    await this.organizations.delete({ id });
    this.memberships.changed(id);
    await this.upstreams.forgetOrganization(id);
    await this.httpTools.forgetOrganization(id);
    await this.audit.record({ action: 'organization.delete', result: 'success', userId: actor, resource: `organization:${id}`, details: { name: organization.name }, origin });
  }

  async membersOf(id: string, page: Page): Promise<OrganizationMemberList> {
    await this.find(id);
    return this.memberPage(id, page);
  }

  /** The caller's organization, with their role in it; 404 when they are in none. */
  async mine(user: AuthenticatedUser): Promise<Organization> {
    const membership = await this.membershipOf(user.id);
    return { ...(await this.get(membership.organizationId)), role: membership.role };
  }

  /** The members of the caller's organization: for its admins only. */
  // Members' addresses and usage, and removing members, are an organization admin's own acts: not
  // for an API key or an application's token, whatever scopes it was narrowed to.
  async myMembers(user: AuthenticatedUser, page: Page): Promise<OrganizationMemberList> {
    requireOwnSignIn(user, "Your organization's members are seen");
    return this.memberPage((await this.adminMembership(user)).organizationId, page);
  }

  private async adminMembership(user: AuthenticatedUser): Promise<OrganizationMemberEntity> {
    const membership = await this.membershipOf(user.id);
    if (membership.role !== 'admin') throw ApiError.forbidden("Only your organization's admins may do this");
    return membership;
  }

  /** Every day of the window, a day without runs included, from the day counts of its members' runs. */
  private async usage(organization: OrganizationEntity, days: number): Promise<OrganizationUsage> {
    const rows = (await this.dataSource.query(
      `SELECT d.day::text AS day, sum(d.runs)::int AS runs,
              coalesce(sum(d.runs) FILTER (WHERE d.status = 'completed'), 0)::int AS completed,
              coalesce(sum(d.runs) FILTER (WHERE d.status = 'failed'), 0)::int AS failed
         FROM tool_execution_days d JOIN organization_members m ON m.user_id = d.user_id
        WHERE m.organization_id = $1 AND d.day > (now() AT TIME ZONE 'UTC')::date - $2::int
        GROUP BY d.day`,
      [organization.id, days],
    )) as Array<{ day: string; runs: number; completed: number; failed: number }>;
    const byDay = new Map(rows.map((row) => [row.day, row]));
    const window = utcDaysUpTo(Date.now(), days).map((day) => byDay.get(day) ?? { day, runs: 0, completed: 0, failed: 0 });
    const total = window.reduce((sum, day) => ({ runs: sum.runs + day.runs, completed: sum.completed + day.completed, failed: sum.failed + day.failed }), { runs: 0, completed: 0, failed: 0 });
    return { organizationId: organization.id, dailyToolRuns: organization.plan.dailyToolRuns ?? null, days: window, total };
  }

  /** The members' runs by UTC day, the last `days` up to today, newest first; for its admins. */
  async myUsage(user: AuthenticatedUser, days: number): Promise<OrganizationUsage> {
    requireOwnSignIn(user, "Your organization's usage is seen");
    return this.usage(await this.find((await this.adminMembership(user)).organizationId), days);
  }

  async usageOf(id: string, days: number): Promise<OrganizationUsage> {
    return this.usage(await this.find(id), days);
  }

  /** The services that take configurations, as the caller's organization configured them; for its admins. */
  async myServices(user: AuthenticatedUser, page: Page): Promise<McpServiceList> {
    return this.services.listForOrganization(user, (await this.adminMembership(user)).organizationId, page.page, page.limit);
  }

  /** Its admins configure a service for every member without a configuration of their own. */
  async configureMyService(user: AuthenticatedUser, serviceId: string, config: Record<string, unknown>, verify: boolean, origin: RequestOrigin): Promise<McpService> {
    return this.services.configureForOrganization(user, (await this.adminMembership(user)).organizationId, serviceId, config, verify, origin);
  }

  async removeMyServiceConfiguration(user: AuthenticatedUser, serviceId: string, origin: RequestOrigin): Promise<void> {
    await this.services.removeForOrganization(user, (await this.adminMembership(user)).organizationId, serviceId, origin);
  }

  /** An organization's admin takes a member out (themselves included). */
  async removeMyMember(user: AuthenticatedUser, memberId: string, origin: RequestOrigin): Promise<void> {
    requireOwnSignIn(user, 'Members are removed');
    const { organizationId } = await this.adminMembership(user);
    const { affected } = await this.members.delete({ userId: memberId, organizationId });
    if (!affected) throw ApiError.notFound('Member of your organization');
    this.memberships.changed(organizationId);
    await this.audit.record({ action: 'organization.member.remove', result: 'success', userId: user.id, resource: `organization:${organizationId}`, details: { user: memberId, by: 'organization admin' }, origin });
  }

  /**
   * Puts a user in an organization (moving them from another) or changes their role there. The
   * organization's row is locked while its members are counted, so two at once cannot both take the last place.
   */
  async setMembership(userId: string, input: OrganizationAssignmentDto, actor: string, origin: RequestOrigin): Promise<OrganizationMember> {
    const role: OrganizationRole = input.role ?? 'member';
    const previous = await this.dataSource.transaction(async (manager) => {
      const organization = await this.lockOrganization(manager, input.organizationId);
      const [user] = (await manager.query(`SELECT id FROM users WHERE id = $1`, [userId])) as unknown[];
      if (!user) throw ApiError.notFound('User');
      const before = await manager.findOneBy(OrganizationMemberEntity, { userId });
      const others = await this.countMembers(manager, organization.id, userId);
      const { maxUsers } = organization.plan;
      if (maxUsers !== undefined && others >= maxUsers) throw ApiError.conflict(`'${organization.name}' has no room: its plan allows ${maxUsers} members`);
      // Moving keeps nothing of the old membership: a new one starts now.
      if (before && before.organizationId !== organization.id) await manager.delete(OrganizationMemberEntity, { userId });
      if (before?.organizationId === organization.id) await manager.update(OrganizationMemberEntity, { userId }, { role });
      else await manager.insert(OrganizationMemberEntity, { userId, organizationId: organization.id, role });
      return before;
    });
    this.memberships.changed(input.organizationId);
    await this.audit.record({
      action: 'organization.member.set',
      result: 'success',
      userId: actor,
      resource: `organization:${input.organizationId}`,
      details: { user: userId, role, ...(previous ? { from: { organizationId: previous.organizationId, role: previous.role } } : {}) },
      origin,
    });
    const [row] = (await this.dataSource.query(`${MEMBERS_SQL} WHERE m.user_id = $1`, [userId])) as MemberRow[];
    return memberView(row);
  }

  async removeMembership(userId: string, actor: string, origin: RequestOrigin): Promise<void> {
    const membership = await this.membershipOf(userId, 'The user is in no organization');
    await this.members.delete({ userId, organizationId: membership.organizationId });
    this.memberships.changed(membership.organizationId);
    await this.audit.record({ action: 'organization.member.remove', result: 'success', userId: actor, resource: `organization:${membership.organizationId}`, details: { user: userId, role: membership.role }, origin });
  }

  private async memberPage(organizationId: string, page: Page): Promise<OrganizationMemberList> {
    const [rows, [{ total }]] = await Promise.all([
      this.dataSource.query(`${MEMBERS_SQL} WHERE m.organization_id = $1 ORDER BY m.joined_at, u.id LIMIT $2 OFFSET $3`, [organizationId, page.limit, (page.page - 1) * page.limit]) as Promise<MemberRow[]>,
      this.dataSource.query(`SELECT count(*)::int AS total FROM organization_members WHERE organization_id = $1`, [organizationId]) as Promise<Array<{ total: number }>>,
    ]);
    return { users: rows.map(memberView), pagination: offsetPagination(page.page, page.limit, total) };
  }

  private async membershipOf(userId: string, missing = 'You are in no organization'): Promise<OrganizationMemberEntity> {
    const membership = await this.members.findOneBy({ userId });
    if (!membership) throw new ApiError(404, 'NOT_FOUND', missing);
    return membership;
  }

  private async find(id: string): Promise<OrganizationEntity> {
    const organization = await this.organizations.findOneBy({ id });
    if (!organization) throw ApiError.notFound('Organization');
    return organization;
  }

  private async lockOrganization(manager: EntityManager, id: string): Promise<OrganizationEntity> {
    const organization = await manager.findOne(OrganizationEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!organization) throw ApiError.notFound('Organization');
    return organization;
  }

  private async countMembers(manager: EntityManager, organizationId: string, except?: string): Promise<number> {
    const [{ count }] = (await manager.query(`SELECT count(*)::int AS count FROM organization_members WHERE organization_id = $1 AND user_id IS DISTINCT FROM $2`, [organizationId, except ?? null])) as Array<{ count: number }>;
    return count;
  }

  private async saveNamed(organization: OrganizationEntity, manager?: EntityManager): Promise<OrganizationEntity> {
    try {
      return await (manager ?? this.dataSource.manager).save(OrganizationEntity, organization);
    } catch (error) {
      if (sqlState(error) === '23505') throw ApiError.conflict(`An organization named '${organization.name}' already exists`, [{ field: 'name', message: 'name is taken', code: 'ALREADY_EXISTS' }]);
      throw error;
    }
  }

  private async view(organization: OrganizationEntity): Promise<Organization> {
    const counts = (await this.countsOf([organization.id])).get(organization.id) as Counts;
    return viewOf(organization, counts);
  }

  /**
   * Per organization, in one statement: its members, the MCP services configured for it or by its
   * members, and their runs today (read, not owned, here).
   */
  private async countsOf(organizationIds: readonly string[]): Promise<Map<string, Counts>> {
    if (organizationIds.length === 0) return new Map();
    const rows = (await this.dataSource.query(
      `SELECT o.id,
              (SELECT count(*)::int FROM organization_members WHERE organization_id = o.id) AS "usersCount",
              (SELECT count(*)::int FROM (SELECT c.server_id FROM upstream_user_configs c JOIN organization_members m ON m.user_id = c.user_id WHERE m.organization_id = o.id
                                          UNION SELECT server_id FROM upstream_organization_configs WHERE organization_id = o.id) AS configured) AS "servicesCount",
              (SELECT coalesce(sum(d.runs), 0)::int FROM tool_execution_days d JOIN organization_members m ON m.user_id = d.user_id
                WHERE m.organization_id = o.id AND d.day = (now() AT TIME ZONE 'UTC')::date) AS "toolRunsToday"
         FROM unnest($1::uuid[]) AS o(id)`,
      [organizationIds],
    )) as Array<Counts & { id: string }>;
    return new Map(rows.map(({ id, ...counts }) => [id, counts]));
  }
}
