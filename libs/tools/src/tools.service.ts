import { ApiError, offsetPagination, isoString, utcDaysUpTo } from '@app/common';
import type { GetToolStatsQueryDto, ListExecutionsQueryDto, ListRecentToolsQueryDto, RecentToolList, ListToolExecutionsQueryDto, ListToolsQueryDto, Tool, ToolCategoryList, ToolExecutionList, ToolList, ToolUsageStats } from '@app/contracts';
import { pageWindow } from '@app/database';
import { type AuthenticatedUser, isAdmin } from '@app/security';
import { Injectable } from '@nestjs/common';
import { ExecutionsService } from './execution/executions.service';
import { type RegisteredTool, ToolRegistry } from './registry/tool-registry';

const DEFAULT_PAGE_SIZE = 20;
const DEFAULT_STATS_DAYS = 30;
const DEFAULT_TOP_TOOLS = 10;
const DEFAULT_RECENT_TOOLS = 10;
const NO_RUNS = { runs: 0, completed: 0, failed: 0 } as const;
const MAX_TAGS_ASKED = 10;
const TOOL_CATEGORIES: ReadonlyArray<ToolCategoryList['categories'][number]['name']> = ['system', 'data', 'analytics', 'monitoring'];

export function toolView(tool: RegisteredTool): Tool {
  const definition = tool.definition;
  const operationPermissions = Object.values(definition.operationPermissions ?? {}).flat();
  return {
    id: definition.id,
    name: definition.name,
    description: definition.description,
    version: definition.version,
    category: definition.category,
    enabled: tool.enabled,
    requiresConfirmation: tool.requiresConfirmation,
    source: definition.source,
    ...(definition.server ? { server: definition.server.name } : {}),
    tags: [...tool.tags],
    schema: { input: definition.inputSchema, ...(definition.outputSchema ? { output: definition.outputSchema } : {}) },
    permissions: [...new Set([...definition.permissions, ...operationPermissions])],
    ...(definition.rateLimits?.length ? { rateLimit: { requests: definition.rateLimits[0].requests, window: definition.rateLimits[0].window }, rateLimits: definition.rateLimits.map((limit) => ({ ...limit })) } : {}),
    ...(definition.examples ? { examples: definition.examples.map((example) => ({ ...example })) } : {}),
  };
}

/** The tags of `?tags=a,b`: each must be a tag a tool could have. */
function tagsAsked(text: string): string[] {
  const tags = [...new Set(text.split(',').map((tag) => tag.trim()))];
  const problem =
    tags.some((tag) => tag.length === 0 || tag.length > 64) ? 'each tag is 1 to 64 characters, separated by commas' : tags.length > MAX_TAGS_ASKED ? `at most ${MAX_TAGS_ASKED} tags` : undefined;
  if (problem) throw ApiError.validation(`tags: ${problem}`, [{ field: 'tags', message: problem, code: 'INVALID_VALUE' }]);
  return tags;
}

/** The read side of tools: what a caller may see, with real statistics. */
@Injectable()
export class ToolsService {
  constructor(
    private readonly registry: ToolRegistry,
    private readonly executions: ExecutionsService,
  ) {}

  async list(caller: AuthenticatedUser, query: ListToolsQueryDto): Promise<ToolList> {
    const needle = query.q?.toLowerCase();
    const tags = query.tags === undefined ? [] : tagsAsked(query.tags);
    const matching = (isAdmin(caller) ? this.registry.all() : this.registry.visibleTo(caller, await this.registry.organizationOf(caller)))
      .filter((tool) => query.category === undefined || tool.definition.category === query.category)
      .filter((tool) => query.enabled === undefined || tool.enabled === query.enabled)
      .filter((tool) => (query.source === undefined || tool.definition.source === query.source) && (query.server === undefined || tool.definition.server?.name === query.server))
      .filter((tool) => !needle || tool.definition.name.toLowerCase().includes(needle) || tool.definition.description.toLowerCase().includes(needle))
      .filter((tool) => tags.every((tag) => tool.tags.includes(tag)))
      .sort((a, b) => a.definition.name.localeCompare(b.definition.name));
    if (query.sort === 'usage' || query.sort === 'recent') await this.sortByUse(matching, query.sort);
    const page = query.page ?? 1;
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    return { tools: matching.slice((page - 1) * limit, page * limit).map(toolView), pagination: offsetPagination(page, limit, matching.length) };
  }

  /** Most used (or most recently run) first; stable, so ties stay by name. */
  private async sortByUse(tools: RegisteredTool[], by: 'usage' | 'recent'): Promise<void> {
    const usage = await this.executions.usageOf(tools.map((tool) => tool.definition.id));
    const key = (tool: RegisteredTool): number => {
      const used = usage.get(tool.definition.id);
      return by === 'usage' ? (used?.runs ?? 0) : (used?.lastRunAt?.getTime() ?? Number.NEGATIVE_INFINITY);
    };
    const keys = new Map(tools.map((tool) => [tool, key(tool)]));
    tools.sort((a, b) => (keys.get(b) as number) - (keys.get(a) as number) || 0);
  }

  /** Every category with the tools in it that the caller may run (admins: all), and how many of those are enabled. */
  async categories(caller: AuthenticatedUser): Promise<ToolCategoryList> {
    // visibleTo holds every tool for an admin (admin:* grants every permission and every server).
    const tools = this.registry.visibleTo(caller, await this.registry.organizationOf(caller));
    return {
      categories: TOOL_CATEGORIES.map((name) => {
        const inCategory = tools.filter((tool) => tool.definition.category === name);
        return { name, count: inCategory.length, enabled: inCategory.filter((tool) => tool.enabled).length };
      }),
    };
  }

  async get(caller: AuthenticatedUser, ref: string): Promise<Tool> {
    const tool = await this.visible(caller, ref);
    return { ...toolView(tool), statistics: await this.executions.statistics(tool.definition.id) };
  }

  async history(caller: AuthenticatedUser, ref: string, query: ListToolExecutionsQueryDto): Promise<ToolExecutionList> {
    const tool = await this.visible(caller, ref);
    const window = pageWindow(query, DEFAULT_PAGE_SIZE);
    const { executions, total, nextCursor } = await this.executions.list(caller, tool.definition.id, { status: query.status, window });
    return { executions, pagination: { ...offsetPagination(window.page, window.limit, total), totalExact: true, nextCursor } };
  }

  /** The caller's runs across every tool (admins: anyone's, by userId); a gone tool's id still filters its history. */
  async runs(caller: AuthenticatedUser, query: ListExecutionsQueryDto): Promise<ToolExecutionList> {
    if (query.userId !== undefined && query.userId !== caller.id && !isAdmin(caller)) throw ApiError.forbidden("Only admins may read another user's runs");
    if (query.startDate && query.endDate && Date.parse(query.startDate) > Date.parse(query.endDate)) {
      throw ApiError.validation('startDate is after endDate', [{ field: 'startDate', message: 'must not be after endDate', code: 'INVALID_VALUE' }]);
    }
    const toolId = query.toolId === undefined ? undefined : (this.registry.find(query.toolId)?.definition.id ?? query.toolId);
    const window = pageWindow(query, DEFAULT_PAGE_SIZE);
    return this.executions.listRuns(
      { userId: query.userId ?? caller.id, toolId, status: query.status, contextId: query.contextId, async: query.async, start: query.startDate ? new Date(query.startDate) : undefined, end: query.endDate ? new Date(query.endDate) : undefined },
      window,
    );
  }

  /** The caller's tools by their last run, newest first; a gone tool shows as not available. */
  async recent(caller: AuthenticatedUser, query: ListRecentToolsQueryDto): Promise<RecentToolList> {
    const recent = await this.executions.recentTools(caller.id, query.limit ?? DEFAULT_RECENT_TOOLS);
    return { tools: recent.map(({ toolId, lastUsedAt, runs }) => ({ ...this.known(toolId), lastUsedAt: isoString(lastUsedAt), runs })) };
  }

  /**
   * Runs started by day over the last days, and the tools run most: the caller's own, or (admins)
   * another user's or everyone's. Read from the day counts, whatever the history's length.
   */
  async stats(caller: AuthenticatedUser, query: GetToolStatsQueryDto): Promise<ToolUsageStats> {
    if (query.allUsers === true && query.userId !== undefined) {
      throw ApiError.validation('allUsers and userId exclude each other', [{ field: 'allUsers', message: 'must not be given with userId', code: 'INVALID_VALUE' }]);
    }
    const othersAsked = query.allUsers === true || (query.userId !== undefined && query.userId !== caller.id);
    if (othersAsked && !isAdmin(caller)) throw ApiError.forbidden("Only admins may read another user's usage");
    const userId = query.allUsers === true ? undefined : (query.userId ?? caller.id);
    const dates = utcDaysUpTo(Date.now(), query.days ?? DEFAULT_STATS_DAYS);
    const usage = await this.executions.usage({ userId, since: dates[dates.length - 1], until: dates[0] });
    const byDay = dates.map((date) => {
      const count = usage.byDay.get(date) ?? NO_RUNS;
      return { date, count: count.runs, completed: count.completed, failed: count.failed };
    });
    const topTools = [...usage.byTool]
      .sort(([toolA, a], [toolB, b]) => b.runs - a.runs || (toolA < toolB ? -1 : 1))
      .slice(0, query.top ?? DEFAULT_TOP_TOOLS)
      .map(([toolId, count]) => ({ ...this.known(toolId), invocations: count.runs, completed: count.completed, failed: count.failed }));
    return {
      userId: userId ?? null,
      from: dates[dates.length - 1],
      to: dates[0],
      days: dates.length,
      totalTools: this.registry.visibleTo(caller, await this.registry.organizationOf(caller)).length,
      totalInvocations: byDay.reduce((sum, day) => sum + day.count, 0),
      completed: byDay.reduce((sum, day) => sum + day.completed, 0),
      failed: byDay.reduce((sum, day) => sum + day.failed, 0),
      topTools,
      invocationsByDay: byDay,
    };
  }

  /** A tool's id with its name while it is in the registry (a gone tool's history keeps only the id). */
  private known(toolId: string): { toolId: string; name: string | null; available: boolean } {
    const tool = this.registry.find(toolId);
    return tool?.definition.id === toolId ? { toolId, name: tool.definition.name, available: true } : { toolId, name: null, available: false };
  }

  /** A tool by id or name that the caller may run; one they may not is answered like a missing one (404). */
  async visible(caller: AuthenticatedUser, ref: string): Promise<RegisteredTool> {
    const tool = this.registry.resolve(ref);
    if (!isAdmin(caller) && !this.registry.mayRun(caller, tool, await this.registry.organizationOf(caller))) throw ApiError.notFound(`Tool '${ref.slice(0, 200)}'`);
    return tool;
  }
}
