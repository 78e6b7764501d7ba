import { AuditWriter } from '@app/audit';
import { ApiError, type RequestOrigin, sqlState } from '@app/common';
import type { ServerGroup, ServerGroupBulkResult, ServerGroupInputDto, ServerGroupList } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource, In, IsNull, Not, type Repository } from 'typeorm';
import { ServerGroupEntity } from './server-group.entity';
import { UpstreamServerEntity } from './upstream-server.entity';
import { type BulkAction, UpstreamBulk } from './upstream-bulk';

const UNIQUE_VIOLATION = '23505';

/**
 * Server groups: a server is in one group or none. Connecting or disconnecting a group is the same
 * call per server as the server's own endpoint (audited per server), and one failure stops no other.
 */
@Injectable()
export class ServerGroupsService {
  private readonly groups: Repository<ServerGroupEntity>;
  private readonly servers: Repository<UpstreamServerEntity>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly each: UpstreamBulk,
    private readonly audit: AuditWriter,
  ) {
    this.groups = dataSource.getRepository(ServerGroupEntity);
    this.servers = dataSource.getRepository(UpstreamServerEntity);
  }

  async list(): Promise<ServerGroupList> {
    const [groups, members] = await Promise.all([
      this.groups.find({ order: { sortOrder: 'ASC', name: 'ASC' } }),
      this.servers.find({ select: { id: true, groupId: true }, where: { groupId: Not(IsNull()) }, order: { name: 'ASC' } }),
    ]);
    return { groups: groups.map((group) => view(group, members.filter((server) => server.groupId === group.id).map((server) => server.id))) };
  }

  async get(id: string): Promise<ServerGroup> {
    return this.viewOf(await this.find(id));
  }

  async create(input: ServerGroupInputDto, actor: string, origin: RequestOrigin): Promise<ServerGroup> {
    const group = await this.saved(() => this.groups.save(this.groups.create(fieldsOf(input))), input.name);
    await this.audit.record({ action: 'upstream.group.create', result: 'success', userId: actor, resource: `server-group:${group.id}`, details: { name: group.name }, origin });
    return view(group, []);
  }

  async update(id: string, input: ServerGroupInputDto, actor: string, origin: RequestOrigin): Promise<ServerGroup> {
    const existing = await this.find(id);
    const group = await this.saved(() => this.groups.save(Object.assign(existing, fieldsOf(input))), input.name);
    await this.audit.record({ action: 'upstream.group.update', result: 'success', userId: actor, resource: `server-group:${id}`, details: { name: group.name }, origin });
    return this.viewOf(group);
  }

  /** Its servers stay, ungrouped (the foreign key sets their group to null). */
  async remove(id: string, actor: string, origin: RequestOrigin): Promise<void> {
    const group = await this.find(id);
    const members = await this.memberIds(id);
    await this.groups.delete({ id });
    await this.audit.record({ action: 'upstream.group.delete', result: 'success', userId: actor, resource: `server-group:${id}`, details: { name: group.name, ungrouped: members }, origin });
  }

  /** All or nothing: one unknown server and no server moves. */
  async addServers(id: string, serverIds: readonly string[], actor: string, origin: RequestOrigin): Promise<ServerGroup> {
    const group = await this.find(id);
    const moved = await this.dataSource.transaction(async (manager) => {
      const servers = await manager.getRepository(UpstreamServerEntity).find({ select: { id: true, name: true, groupId: true }, where: { id: In([...serverIds]) } });
      const unknown = serverIds.find((serverId) => !servers.some((server) => server.id === serverId));
      if (unknown) throw new ApiError(404, 'NOT_FOUND', `Upstream server ${unknown} not found`, { details: [{ field: 'serverIds', message: `${unknown} is not a server`, code: 'NOT_FOUND' }] });
      await manager.getRepository(UpstreamServerEntity).update({ id: In([...serverIds]) }, { groupId: id });
      return servers.map((server) => ({ id: server.id, name: server.name, from: server.groupId }));
    });
    await this.audit.record({ action: 'upstream.group.assign', result: 'success', userId: actor, resource: `server-group:${id}`, details: { name: group.name, servers: moved }, origin });
    return this.viewOf(group);
  }

  async removeServer(id: string, serverId: string, actor: string, origin: RequestOrigin): Promise<ServerGroup> {
    const group = await this.find(id);
    const result = await this.servers.update({ id: serverId, groupId: id }, { groupId: null });
    if (!result.affected) throw ApiError.notFound(`Upstream server ${serverId} in this group`);
    await this.audit.record({ action: 'upstream.group.unassign', result: 'success', userId: actor, resource: `server-group:${id}`, details: { name: group.name, serverId }, origin });
    return this.viewOf(group);
  }

  /** Every server of the group, connected or disconnected as its own endpoint does it. */
  async bulk(id: string, action: BulkAction, actor: string, origin: RequestOrigin): Promise<ServerGroupBulkResult> {
    const group = await this.find(id);
    const members = await this.servers.find({ select: { id: true, name: true }, where: { groupId: id }, order: { name: 'ASC' } });
    const results = await this.each.run(members, action, actor, origin);
    const failed = results.filter((result) => result.outcome === 'failed').map((result) => result.name);
    await this.audit.record({
      action: `upstream.group.${action}`,
      result: failed.length === 0 ? 'success' : 'failure',
      userId: actor,
      resource: `server-group:${id}`,
      details: { name: group.name, servers: results.length, failed },
      origin,
    });
    return { groupId: id, action, results };
  }

  private async find(id: string): Promise<ServerGroupEntity> {
    const group = await this.groups.findOne({ where: { id } });
    if (!group) throw ApiError.notFound('Server group');
    return group;
  }

  private async memberIds(id: string): Promise<string[]> {
    return (await this.servers.find({ select: { id: true }, where: { groupId: id }, order: { name: 'ASC' } })).map((server) => server.id);
  }

  private async viewOf(group: ServerGroupEntity): Promise<ServerGroup> {
    return view(group, await this.memberIds(group.id));
  }

  private async saved(save: () => Promise<ServerGroupEntity>, name: string): Promise<ServerGroupEntity> {
    try {
      return await save();
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) throw ApiError.conflict(`A server group named '${name.trim()}' already exists`, [{ field: 'name', message: 'name is taken', code: 'ALREADY_EXISTS' }]);
      throw error;
    }
  }
}

function fieldsOf(input: ServerGroupInputDto): Pick<ServerGroupEntity, 'name' | 'description' | 'color' | 'icon' | 'sortOrder'> {
  const name = input.name.trim();
  if (name === '') throw ApiError.validation('Invalid server group', [{ field: 'name', message: 'name must not be blank', code: 'INVALID_VALUE' }]);
  return { name, description: input.description ?? null, color: input.color?.toLowerCase() ?? null, icon: input.icon ?? null, sortOrder: input.sortOrder ?? 0 };
}

function view(group: ServerGroupEntity, serverIds: string[]): ServerGroup {
  return {
    id: group.id,
    name: group.name,
    description: group.description,
    color: group.color,
    icon: group.icon,
    sortOrder: group.sortOrder,
    serverIds,
    serverCount: serverIds.length,
    createdAt: group.createdAt.toISOString(),
    updatedAt: group.updatedAt.toISOString(),
  };
}
