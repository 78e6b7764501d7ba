import { AuditWriter } from '@app/audit';
import { ApiError, offsetPagination, type ErrorDetail, type RequestOrigin, storableJson } from '@app/common';
import { AppConfig } from '@app/config';
import type { Context, ContextList, CreateContextRequestDto, ListContextsQueryDto, UpdateContextRequestDto } from '@app/contracts';
import { EventBus } from '@app/events';
import { type AuthenticatedUser, isAdmin } from '@app/security';
import { ToolRegistry } from '@app/tools';
import { Injectable } from '@nestjs/common';
import { DataSource, type FindOptionsWhere, type Repository } from 'typeorm';
import { ContextEntity, type ContextSettingsValue } from './context.entity';

declare module '@app/events' {
  interface EventMap {
    'context.created': { contextId: string; userId: string; name: string };
    'context.updated': { contextId: string; userId: string; name: string; changed: string[] };
    'context.deleted': { contextId: string; userId: string; name: string };
  }
}

const SORT_COLUMNS = { created: 'createdAt', updated: 'updatedAt', name: 'name' } as const;
const DEFAULT_PAGE_SIZE = 20;
const MAX_METADATA_BYTES = 64 * 1024;

/** Enforced here too, not only by the REST DTO: every door (WebSocket included) gets the limit. */
function boundedMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  if (Buffer.byteLength(JSON.stringify(metadata)) > MAX_METADATA_BYTES) {
    throw ApiError.validation('metadata is too large', [{ field: 'metadata', message: `must be at most ${MAX_METADATA_BYTES} bytes as JSON`, code: 'TOO_LARGE' }]);
  }
  return storableJson(metadata);
}

export function contextView(context: ContextEntity): Context {
  return {
    id: context.id,
    userId: context.userId,
    name: context.name,
    description: context.description,
    status: context.status,
    metadata: context.metadata,
    tools: context.tools,
    settings: context.settings,
    createdAt: context.createdAt.toISOString(),
    updatedAt: context.updatedAt.toISOString(),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Contexts: owned by their creator; everyone else gets 404 (admins see all). */
@Injectable()
export class ContextsService {
  private readonly contexts: Repository<ContextEntity>;

  constructor(
    dataSource: DataSource,
    private readonly registry: ToolRegistry,
    private readonly audit: AuditWriter,
    private readonly events: EventBus,
    private readonly config: AppConfig,
  ) {
    this.contexts = dataSource.getRepository(ContextEntity);
  }

  async list(caller: AuthenticatedUser, query: ListContextsQueryDto): Promise<ContextList> {
    if (query.userId && !isAdmin(caller)) throw ApiError.forbidden('Only admins may list other users\u2019 contexts');
    const where: FindOptionsWhere<ContextEntity> = {
      ...(isAdmin(caller) ? (query.userId ? { userId: query.userId } : {}) : { userId: caller.id }),
      ...(query.status ? { status: query.status } : {}),
    };
    const page = query.page ?? 1;
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const [rows, total] = await this.contexts.findAndCount({
      where,
      order: { [SORT_COLUMNS[query.sort ?? 'created']]: (query.order ?? 'desc').toUpperCase(), id: 'ASC' },
      skip: (page - 1) * limit,
      take: limit,
    });
    return { contexts: rows.map(contextView), pagination: offsetPagination(page, limit, total) };
  }

  async get(caller: AuthenticatedUser, id: string): Promise<Context> {
    return contextView(await this.owned(caller, id));
  }

  async create(caller: AuthenticatedUser, input: CreateContextRequestDto, origin: RequestOrigin): Promise<Context> {
    // Each holds up to 64 KiB of metadata: without a ceiling one account could fill the database.
    const ceiling = this.config.contextsMaxPerUser;
    if ((await this.contexts.countBy({ userId: caller.id })) >= ceiling) {
      throw ApiError.conflict(`You hold ${ceiling} contexts, the most one user may (CONTEXTS_MAX_PER_USER); delete some first`);
    }
    const tools = await this.toolIds(caller, input.tools ?? []);
    const context = await this.contexts.save(
      this.contexts.create({
        userId: caller.id,
        name: input.name,
        description: input.description ?? null,
        status: input.status ?? 'active',
        metadata: boundedMetadata(input.metadata ?? {}),
        tools,
        settings: this.settings(input.settings),
      }),
    );
    await this.audit.record({ action: 'context.create', result: 'success', userId: caller.id, sessionId: caller.sessionId, resource: `context:${context.id}`, details: { name: context.name, tools: context.tools }, origin });
    await this.events.publishDurable('context.created', { contextId: context.id, userId: context.userId, name: context.name });
    return contextView(context);
  }

  async update(caller: AuthenticatedUser, id: string, input: UpdateContextRequestDto, origin: RequestOrigin): Promise<Context> {
    const context = await this.owned(caller, id);
    const changed = Object.keys(input).filter((key) => (input as Record<string, unknown>)[key] !== undefined);
    if (input.name !== undefined) context.name = input.name;
    if (input.description !== undefined) context.description = input.description;
    if (input.status !== undefined) context.status = input.status;
    if (input.metadata !== undefined) context.metadata = boundedMetadata(input.metadata);
    if (input.tools !== undefined) context.tools = await this.toolIds(caller, input.tools);
    if (input.settings !== undefined) context.settings = this.settings(input.settings);
    const saved = await this.contexts.save(context);
    await this.audit.record({ action: 'context.update', result: 'success', userId: caller.id, sessionId: caller.sessionId, resource: `context:${id}`, details: { changed }, origin });
    await this.events.publishDurable('context.updated', { contextId: id, userId: saved.userId, name: saved.name, changed });
    return contextView(saved);
  }

  async remove(caller: AuthenticatedUser, id: string, origin: RequestOrigin): Promise<void> {
    const context = await this.owned(caller, id);
    await this.contexts.delete({ id });
    await this.audit.record({ action: 'context.delete', result: 'success', userId: caller.id, sessionId: caller.sessionId, resource: `context:${id}`, details: { name: context.name }, origin });
    await this.events.publishDurable('context.deleted', { contextId: id, userId: context.userId, name: context.name });
  }

  /** The context itself, when the caller owns it (or is an admin); 404 otherwise. */
  async owned(caller: AuthenticatedUser, id: string): Promise<ContextEntity> {
    // Context ids are UUIDs: any other text names no context, and must not reach the uuid column.
    if (!UUID.test(id)) throw ApiError.notFound('Context');
    const context = await this.contexts.findOne({ where: { id } });
    if (!context || (context.userId !== caller.id && !isAdmin(caller))) throw ApiError.notFound('Context');
    return context;
  }

  /**
   * Every reference must name a registered tool the caller may run; stored by id. A tool the caller
   * may not run is reported like a missing one, as everywhere else, so contexts cannot probe for it.
   */
  private async toolIds(caller: AuthenticatedUser, refs: readonly string[]): Promise<string[]> {
    const unknown: ErrorDetail[] = [];
    const organizationId = await this.registry.organizationOf(caller);
    const ids = refs.map((ref, index) => {
      const tool = this.registry.find(ref);
      if (tool && (isAdmin(caller) || this.registry.mayRun(caller, tool, organizationId))) return tool.definition.id;
      unknown.push({ field: `tools[${index}]`, message: `no tool named ${ref.slice(0, 200)}`, code: 'UNKNOWN_TOOL' });
      return ref;
    });
    if (unknown.length > 0) throw ApiError.validation('Unknown tools in the context', unknown);
    return [...new Set(ids)];
  }

  private settings(input: ContextSettingsValue | undefined): ContextSettingsValue {
    if (!input) return {};
    const max = this.config.tools.maxTimeoutMs;
    if (input.maxExecutionTime !== undefined && input.maxExecutionTime > max) {
      throw ApiError.validation('maxExecutionTime exceeds the server maximum', [{ field: 'settings.maxExecutionTime', message: `must be at most ${max} ms`, code: 'TOO_LARGE' }]);
    }
    return {
      ...(input.maxExecutionTime !== undefined ? { maxExecutionTime: input.maxExecutionTime } : {}),
      ...(input.retryPolicy ? { retryPolicy: { maxRetries: input.retryPolicy.maxRetries ?? 0, backoffMultiplier: input.retryPolicy.backoffMultiplier ?? 2 } } : {}),
    };
  }
}
