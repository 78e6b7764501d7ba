import { ApiError, isoString, MissingPermissionsError, validTraceparent } from '@app/common';
import { AppConfig } from '@app/config';
import type { ToolExecution } from '@app/contracts';
import { endWhenSettled, mcpSpanName, Tracing } from '@app/health';
import { type AuthenticatedUser, holdsPermission, isAdmin, PermissionLookup, RateLimiter, rateLimitExceeded } from '@app/security';
import { INVALID_PARAMS, METHOD_NOT_FOUND, negotiateProtocolVersion, RpcError, type RpcContext, RpcRegistry, toRpcError } from '@app/rpc';
import { Injectable, type OnModuleInit, Optional } from '@nestjs/common';
import type { Attributes } from '@opentelemetry/api';
import { clientRefusal } from './client-capabilities';
import { RunPolicies } from './execution/run-policies';
import { McpTasks, TASKS_SINCE } from './mcp-tasks';
import { ToolExecutor } from './execution/tool-executor.service';
import { type RegisteredTool, ToolRegistry } from './registry/tool-registry';
import { type CallerChannel, ClientRequestError, LOG_LEVELS, type LogLevel, type ProgressUpdate, type ToolLogMessage } from './tool.types';
import { UPSTREAM_TOOL_PERMISSIONS } from './upstream/upstream-connection';
import { type CompletionRequest, type UpstreamScope, UpstreamService } from './upstream/upstream.service';

const PAGE_SIZE = 100;

interface Exposed {
  readonly name: string;
  readonly tool: RegisteredTool;
}

/** A result that is a plain object can travel as MCP structured content. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCallToolResult(value: unknown): value is { content: unknown[]; isError?: boolean } {
  return isPlainObject(value) && Array.isArray(value.content);
}

/** MCP's `_meta.progressToken` (a string or an integer); anything else asks for no progress. */
export function progressTokenOf(params: unknown): string | number | undefined {
  const meta = isPlainObject(params) ? params._meta : undefined;
  const token = isPlainObject(meta) ? meta.progressToken : undefined;
  return (typeof token === 'string' && token.length <= 256) || Number.isSafeInteger(token) ? (token as string | number) : undefined;
}

/** The caller's trace context in `_meta.traceparent` (OpenTelemetry's convention for MCP), when valid. */
export function traceparentOf(params: unknown): string | undefined {
  const meta = isPlainObject(params) ? params._meta : undefined;
  return isPlainObject(meta) ? validTraceparent(meta.traceparent) : undefined;
}

/** Whether a message at `level` reaches a client that asked for `minimum` and above. */
export function logLevelPasses(level: string, minimum: string | undefined): boolean {
  if (minimum === undefined) return true;
  const rank = (name: string): number => LOG_LEVELS.indexOf(name as LogLevel);
  return rank(level) >= rank(minimum);
}

/** MCP's "Resource not found" (Resources › Error Handling). */
export const RESOURCE_NOT_FOUND = -32002;

const encodeCursor = (offset: number): string => Buffer.from(String(offset)).toString('base64url');

/** Only a cursor we could have minted is one: anything else (including "") is -32602 (Pagination › Error Handling). */
export function decodeCursor(cursor: unknown): number {
  if (cursor === undefined) return 0;
  const offset = typeof cursor === 'string' && cursor !== '' ? Number(Buffer.from(cursor, 'base64url').toString()) : NaN;
  if (!Number.isInteger(offset) || offset < 0 || encodeCursor(offset) !== cursor) throw new RpcError(INVALID_PARAMS, 'Invalid params: unknown cursor', { code: 'VALIDATION_ERROR' });
  return offset;
}

/** One page of a list the gateway gathered, `key` naming it as MCP does; the cursor is checked before the list is read. */
export async function paginate<T>(key: string, cursor: unknown, read: () => Promise<T[]>): Promise<Record<string, unknown>> {
  const offset = decodeCursor(cursor);
  const items = await read();
  return { [key]: items.slice(offset, offset + PAGE_SIZE), ...(offset + PAGE_SIZE < items.length ? { nextCursor: encodeCursor(offset + PAGE_SIZE) } : {}) };
}

// MCP-only methods answer MCP's own codes; REST never reaches these.
function resourceNotFound(uri: string): never {
  throw new RpcError(RESOURCE_NOT_FOUND, 'Resource not found', { code: 'NOT_FOUND', uri: uri.slice(0, 4096) });
}

function unknownPrompt(name: string): never {
  throw new RpcError(INVALID_PARAMS, `Unknown prompt: ${name.slice(0, 200)}`, { code: 'NOT_FOUND' });
}

/**
 * The tools' JSON-RPC methods for /ws and /mcp: the same registry and engine as REST, and the
 * MCP shapes (tools/list, tools/call) both doors understand.
 */
@Injectable()
export class ToolsRpc implements OnModuleInit {
  constructor(
    private readonly rpc: RpcRegistry,
    private readonly registry: ToolRegistry,
    private readonly executor: ToolExecutor,
    private readonly upstreams: UpstreamService,
    private readonly config: AppConfig,
    private readonly limiter: RateLimiter,
    private readonly tracing: Tracing,
    private readonly tasks: McpTasks,
    @Optional() private readonly policies?: RunPolicies,
    @Optional() private readonly permissionLookup?: PermissionLookup,
  ) {}

  onModuleInit(): void {
    this.rpc.register('initialize', {
      // All three are required by MCP's InitializeRequest, in every version.
      params: { type: 'object', required: ['protocolVersion', 'capabilities', 'clientInfo'], properties: { protocolVersion: { type: 'string', maxLength: 32 }, capabilities: { type: 'object' }, clientInfo: { type: 'object' } } },
      handle: async (params, context) => {
        // On /mcp each initialize opens a session (a stored row): it spends the API's budget.
        await this.limit('api', context);
        // /ws keeps what the client can answer for the connection; /mcp keeps it with the session.
        context.clientCapabilities = isPlainObject(params.capabilities) ? params.capabilities : {};
        const answer = this.initialize(params.protocolVersion, await this.upstreamScope(context));
        context.protocolVersion = answer.protocolVersion as string;
        return answer;
      },
    });
    this.rpc.register('notifications/initialized', { handle: () => ({}) });
    this.rpc.register('tools/list', {
      // Needs read:tools, as `GET /tools` does: checked in `list`, where MCP step-up is known.
      params: { type: 'object', properties: { cursor: { type: 'string', maxLength: 64 }, category: { type: 'string', maxLength: 32 }, enabled: { type: 'boolean' } } },
      handle: (params, context) => this.list(params, context),
    });
    this.rpc.register('tools/call', {
      params: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, arguments: { type: 'object' }, task: { type: 'object', properties: { ttl: { type: 'number', minimum: 0 } } } } },
      cancellable: true,
      // A task is honoured only where tasks were offered; elsewhere the field is ignored, as MCP asks.
      handle: (params, context) =>
        params.task === undefined || (context.protocolVersion ?? '') < TASKS_SINCE
          ? this.call(params.name as string, params.arguments as Record<string, unknown> | undefined, context, progressTokenOf(params), traceparentOf(params))
          : this.callAsTask(params.name as string, params.arguments as Record<string, unknown> | undefined, context, traceparentOf(params)),
    });
    // A task is a run: its id is a run's uuid, and any other text names no task.
    const taskOnly = { type: 'object', required: ['taskId'], properties: { taskId: { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' } } };
    this.rpc.register('tasks/get', {
      params: taskOnly,
      handle: async (params, context) => {
        await this.readsRuns(context);
        return (await this.tasks.get(params.taskId as string, context)) as unknown as Record<string, unknown>;
      },
    });
    this.rpc.register('tasks/result', {
      params: taskOnly,
      cancellable: true,
      handle: async (params, context) => {
        await this.readsRuns(context);
        return this.tasks.result(params.taskId as string, context, callResultOf);
      },
    });
    this.rpc.register('tasks/list', {
      params: { type: 'object', properties: { cursor: { type: 'string', maxLength: 256 } } },
      handle: async (params, context) => {
        await this.readsRuns(context);
        return (await this.tasks.list(params.cursor as string | undefined, context)) as unknown as Record<string, unknown>;
      },
    });
    this.rpc.register('tasks/cancel', {
      params: taskOnly,
      handle: async (params, context) => {
        await this.limit('toolsExecute', context);
        return (await this.tasks.cancel(params.taskId as string, context)) as unknown as Record<string, unknown>;
      },
    });
    // The seed's door names it after its own methods; the same cancellation as REST and tasks/cancel.
    this.rpc.register('tools/cancel', {
      doors: ['ws'],
      permissions: ['execute:tools'],
      params: {
        type: 'object',
        required: ['executionId'],
        additionalProperties: false,
        properties: { executionId: taskOnly.properties.taskId, reason: { type: 'string', minLength: 1, maxLength: 200 } },
      },
      handle: async (params, context) => {
        await this.limit('toolsExecute', context);
        return (await this.executor.cancel(context.caller, params.executionId as string, params.reason as string | undefined, context.origin)) as unknown as Record<string, unknown>;
      },
    });
    this.rpc.register('tools/execute', {
      doors: ['ws'],
      // As `POST /tools/{id}/execute`, refused before any budget is spent (tools/call keeps its
      // per-tool check, which MCP step-up answers with the scope to ask for).
      permissions: ['execute:tools'],
      params: {
        type: 'object',
        required: ['tool'],
        additionalProperties: false,
        properties: {
          tool: { type: 'string', minLength: 1, maxLength: 200 },
          arguments: { type: 'object' },
          contextId: { type: 'string', maxLength: 64 },
          options: { type: 'object', additionalProperties: false, properties: { timeout: { type: 'integer', minimum: 1, maximum: 3600000 }, async: { type: 'boolean' } } },
          _meta: { type: 'object' },
        },
      },
      cancellable: true,
      handle: (params, context) => this.execute(params, context),
    });
    const cursorOnly = { type: 'object', properties: { cursor: { type: 'string', maxLength: 64 } } };
    this.rpc.register('resources/list', {
      doors: ['mcp'],
      params: cursorOnly,
      handle: this.budgeted((params, context) => paginate('resources', params.cursor, () => this.scoped(context, (scope) => this.upstreams.listResources(scope)))),
    });
    this.rpc.register('resources/templates/list', {
      doors: ['mcp'],
      params: cursorOnly,
      handle: this.budgeted((params, context) => paginate('resourceTemplates', params.cursor, () => this.scoped(context, (scope) => this.upstreams.listResourceTemplates(scope)))),
    });
    this.rpc.register('resources/read', {
      doors: ['mcp'],
      params: { type: 'object', required: ['uri'], properties: { uri: { type: 'string', minLength: 1, maxLength: 4096 } } },
      handle: (params, context) =>
        this.served('resources/read', undefined, { 'mcp.resource.uri': params.uri as string }, params, context, async (traceparent) => (await this.upstreams.readResource(params.uri as string, await this.upstreamScope(context), traceparent)) ?? resourceNotFound(params.uri as string)),
    });
    this.rpc.register('resources/subscribe', {
      doors: ['mcp'],
      params: { type: 'object', required: ['uri'], properties: { uri: { type: 'string', minLength: 1, maxLength: 4096 } } },
      handle: this.budgeted(async (params, context) => (await this.upstreams.subscribeResource(params.uri as string, this.subscriber(context), await this.upstreamScope(context))) ?? resourceNotFound(params.uri as string)),
    });
    this.rpc.register('resources/unsubscribe', {
      doors: ['mcp'],
      params: { type: 'object', required: ['uri'], properties: { uri: { type: 'string', minLength: 1, maxLength: 4096 } } },
      // A session only ever leaves its own subscriptions, which it could only make in scope.
      handle: (params, context) => this.upstreams.unsubscribeResource(params.uri as string, this.subscriber(context)),
    });
    this.rpc.register('prompts/list', {
      doors: ['mcp'],
      params: cursorOnly,
      handle: this.budgeted((params, context) => paginate('prompts', params.cursor, () => this.scoped(context, (scope) => this.upstreams.listPrompts(scope)))),
    });
    this.rpc.register('prompts/get', {
      doors: ['mcp'],
      params: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, arguments: { type: 'object' } } },
      handle: (params, context) =>
        this.served('prompts/get', params.name as string, { 'gen_ai.prompt.name': params.name as string }, params, context, async (traceparent) =>
          (await this.upstreams.getPrompt(params.name as string, params.arguments as Record<string, string> | undefined, await this.upstreamScope(context), traceparent)) ?? unknownPrompt(params.name as string),
        ),
    });
    this.rpc.register('logging/setLevel', {
      params: { type: 'object', required: ['level'], properties: { level: { type: 'string', enum: [...LOG_LEVELS] } } },
      // On /mcp it writes the session's row and tells every instance: not free.
      handle: this.budgeted(async (params, context) => {
        await context.setLogLevel?.(params.level as string);
        context.logLevel = params.level as string;
        return {};
      }),
    });
    this.rpc.register('completion/complete', {
      doors: ['mcp'],
      params: {
        type: 'object',
        required: ['ref', 'argument'],
        properties: {
          ref: { type: 'object', required: ['type'], properties: { type: { enum: ['ref/prompt', 'ref/resource'] }, name: { type: 'string', maxLength: 200 }, uri: { type: 'string', maxLength: 4096 } } },
          argument: { type: 'object', required: ['name', 'value'], properties: { name: { type: 'string', maxLength: 200 }, value: { type: 'string', maxLength: 4096 } } },
          context: { type: 'object', properties: { arguments: { type: 'object', additionalProperties: { type: 'string', maxLength: 4096 } } } },
        },
      },
      handle: (params, context) => this.served('completion/complete', undefined, {}, params, context, async (traceparent) => this.upstreams.complete(params as unknown as CompletionRequest, await this.upstreamScope(context), traceparent)),
    });
  }

  /**
   * An MCP request answered from upstream servers, traced (when traces are on) as a server span
   * that continues the caller's trace (`_meta.traceparent`, else the HTTP header); what it asks
   * the upstreams is traced under it. Tool calls have their span in the engine, on every door.
   */
  /** A handler that first spends the caller's budget for the rest of the API, as a REST route without a limit of its own does. */
  private budgeted<T>(handle: (params: Record<string, unknown>, context: RpcContext) => T | Promise<T>): (params: Record<string, unknown>, context: RpcContext) => Promise<T> {
    return async (params, context) => {
      await this.limit('api', context);
      return handle(params, context);
    };
  }

  private async served<T>(method: string, target: string | undefined, attributes: Attributes, params: Record<string, unknown>, context: RpcContext, serve: (traceparent: string | undefined) => Promise<T>): Promise<T> {
    // Whatever has no limit of its own spends the caller's budget for the rest of the API, as on REST.
    await this.limit('api', context);
    if (!this.tracing.enabled) return serve(undefined);
    const span = this.tracing.start(mcpSpanName(method, target), traceparentOf(params) ?? context.origin.traceparent, {
      'mcp.method.name': method,
      'enduser.id': context.caller.id,
      ...(context.sessionId ? { 'session.id': context.sessionId } : {}),
      ...attributes,
    });
    if (!span) return serve(undefined);
    return endWhenSettled(span, serve(span.traceparent), (error) => {
      const outcome = toRpcError(error);
      return { errorType: outcome.data?.code ?? String(outcome.code), errorMessage: outcome.message, attributes: { 'rpc.response.status_code': String(outcome.code) } };
    });
  }

  /** Updates are sent on the MCP session's stream, so a subscription belongs to the session. */
  private subscriber(context: RpcContext): string {
    if (!context.sessionId) throw new RpcError(INVALID_PARAMS, 'Resource subscriptions need an MCP session', { code: 'VALIDATION_ERROR' });
    return context.sessionId;
  }

  /** Capabilities: tools always; resources and prompts when a connected upstream the caller reaches offers them. */
  initialize(requested: unknown, scope: UpstreamScope): Record<string, unknown> {
    const offers = this.upstreams.offers(scope);
    const protocolVersion = negotiateProtocolVersion(requested);
    return {
      protocolVersion,
      capabilities: {
        tools: { listChanged: true },
        ...(offers.resources ? { resources: offers.subscribe ? { subscribe: true } : {} } : {}),
        ...(offers.prompts ? { prompts: {} } : {}),
        ...(offers.prompts || offers.resources ? { completions: {} } : {}),
        logging: {},
        // A tool call may run as a task (an asynchronous run of the engine), polled or awaited.
        ...(protocolVersion >= TASKS_SINCE ? { tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } } : {}),
      },
      serverInfo: { name: 'secure-mcp-server', title: 'Secure MCP Server', version: this.config.version },
      instructions: 'Tools of this gateway: its built-in ones and those of its upstream MCP servers.',
    };
  }

  async list(params: Record<string, unknown>, context: RpcContext): Promise<Record<string, unknown>> {
    // A token narrowed below its user's grant on /mcp is shown its user's tools (step-up), so it is
    // the viewer, not the token, that must hold read:tools.
    const viewer = await this.stepUpViewer(context);
    if (!holdsPermission(viewer.permissions, 'read:tools')) throw ApiError.forbidden('Missing permission: read:tools');
    await this.limit('toolsList', context);
    const offset = decodeCursor(params.cursor);
    const exposed = (await this.exposed(context, viewer))
      // An MCP client has no notion of a switched-off tool: it is left out rather than listed and refused.
      .filter(({ tool }) => tool.enabled || context.door !== 'mcp')
      .filter(({ tool }) => params.category === undefined || tool.definition.category === params.category)
      .filter(({ tool }) => params.enabled === undefined || tool.enabled === params.enabled);
    const page = exposed.slice(offset, offset + PAGE_SIZE).map(({ name, tool }) => ({
      name,
      ...(tool.definition.title ? { title: tool.definition.title } : {}),
      description: tool.definition.description,
      ...(tool.definition.annotations ? { annotations: tool.definition.annotations } : {}),
      ...(tool.definition.icons ? { icons: tool.definition.icons } : {}),
      inputSchema: { type: 'object', ...tool.definition.inputSchema },
      ...(tool.definition.source === 'upstream' && tool.definition.outputSchema ? { outputSchema: tool.definition.outputSchema } : {}),
      // A run a person must allow has nobody to ask once it is a task.
      execution: { taskSupport: tool.requiresConfirmation ? 'forbidden' : 'optional' },
      id: tool.definition.id,
      category: tool.definition.category,
    }));
    return { tools: page, ...(offset + PAGE_SIZE < exposed.length ? { nextCursor: encodeCursor(offset + PAGE_SIZE) } : {}) };
  }

  /** MCP tools/call: a failing tool is a result with isError, never a protocol error. */
  async call(name: string, input: Record<string, unknown> | undefined, context: RpcContext, progressToken?: string | number, traceparent?: string): Promise<Record<string, unknown>> {
    await this.limit('toolsExecute', context);
    const target = await this.target(name, context);
    if (!target) throw new RpcError(INVALID_PARAMS, `Unknown tool: ${name.slice(0, 200)}`, { code: 'NOT_FOUND' });
    try {
      const outcome = await this.executor.execute(context.caller, target.tool.definition.id, input ?? {}, { contextId: context.contextId ?? null, sessionId: context.sessionId, channel: this.channelOf(context, progressToken), traceparent }, context.origin);
      if (outcome.kind === 'accepted') return { content: [{ type: 'text', text: JSON.stringify(outcome.execution) }] };
      return callResultOf(outcome.execution);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 404) throw error;
      if (error instanceof MissingPermissionsError) await this.challengeStepUp(error, context);
      const details = error.details?.map((detail) => `${detail.field}: ${detail.message}`).join('; ');
      return { isError: true, content: [{ type: 'text', text: details ? `${error.message}: ${details}` : error.message }], _meta: { code: error.code } };
    }
  }

  /**
   * MCP tasks: the call becomes an asynchronous run of the engine (the same checks, limits, audit
   * and history), answered at once with the task. What refuses the run is a protocol error here, not
   * a CallToolResult, which a client asking for a task does not expect.
   */
  private async callAsTask(name: string, input: Record<string, unknown> | undefined, context: RpcContext, traceparent?: string): Promise<Record<string, unknown>> {
    await this.limit('toolsExecute', context);
    const target = await this.target(name, context);
    if (!target) throw new RpcError(INVALID_PARAMS, `Unknown tool: ${name.slice(0, 200)}`, { code: 'NOT_FOUND' });
    // Listed taskSupport "forbidden": refused before any limit or quota is spent on it.
    if (target.tool.requiresConfirmation) throw new RpcError(METHOD_NOT_FOUND, `${name.slice(0, 200)} cannot run as a task: a person must allow each of its runs`, { code: 'PRECONDITION_FAILED' });
    const outcome = await this.executor.execute(context.caller, target.tool.definition.id, input ?? {}, { async: true, contextId: context.contextId ?? null, sessionId: context.sessionId, traceparent }, context.origin);
    return { task: this.tasks.taskOf(outcome.kind === 'accepted' ? { ...outcome.execution, createdAt: isoString(outcome.createdAt) } : outcome.execution) };
  }

  /** Reading a task is reading a run: the same scope as `GET /tools/executions/{id}`, and the listing's rate. */
  private async readsRuns(context: RpcContext): Promise<void> {
    if (!holdsPermission(context.caller.permissions, 'read:tools')) throw new RpcError(-32003, 'Reading tasks needs read:tools', { code: 'FORBIDDEN' });
    await this.limit('toolsList', context);
  }

  /**
   * What a tool may send back through this door during the call: progress when a token was given,
   * log messages at or above the client's level, and requests the client declared it can answer.
   */
  private channelOf(context: RpcContext, progressToken: string | number | undefined): CallerChannel | undefined {
    const { notify, ask, cancellation } = context;
    if (!notify) return cancellation ? { cancellation } : undefined;
    const capabilities = context.clientCapabilities ?? {};
    return {
      cancellation,
      progress: progressToken !== undefined ? (update: ProgressUpdate) => notify('notifications/progress', { progressToken, ...update }) : undefined,
      log: (message: ToolLogMessage) => {
        if (logLevelPasses(message.level, context.logLevel)) notify('notifications/message', { ...message });
      },
      ask: ask
        ? (method, params, signal) => {
            const missing = clientRefusal(capabilities, method, params);
            if (missing) return Promise.reject(new ClientRequestError(-32601, `The caller's client did not declare ${missing}`));
            return ask(method, params, signal);
          }
        : undefined,
      refuses: (method, params) => {
        const missing = clientRefusal(capabilities, method, params);
        return missing ? `The caller's client did not declare ${missing}` : undefined;
      },
    };
  }

  /** The seed's WebSocket tools/execute: `{output, metadata}`. */
  private async execute(params: Record<string, unknown>, context: RpcContext): Promise<Record<string, unknown>> {
    await this.limit('toolsExecute', context);
    const options = (params.options ?? {}) as { timeout?: number; async?: boolean };
    const outcome = await this.executor.execute(
      context.caller,
      params.tool as string,
      params.arguments as Record<string, unknown> | undefined,
      {
        timeoutMs: options.timeout,
        async: options.async,
        sessionId: context.sessionId,
        contextId: (params.contextId as string | undefined) ?? context.contextId ?? null,
        channel: context.cancellation ? { cancellation: context.cancellation } : undefined,
        traceparent: traceparentOf(params),
      },
      context.origin,
    );
    if (outcome.kind === 'accepted') return { output: null, metadata: { executionId: outcome.execution.executionId, status: 'pending' } };
    const { execution } = outcome;
    return {
      output: execution.result ?? null,
      metadata: {
        executionId: execution.executionId,
        toolId: execution.toolId,
        status: execution.status,
        executionTime: execution.metrics?.duration ?? 0,
        ...(execution.attempts ? { attempts: execution.attempts } : {}),
        ...(execution.cached ? { cached: true } : {}),
        ...(execution.error ? { error: execution.error } : {}),
      },
    };
  }

  /**
   * The upstreams whose resources, prompts and completions a caller reaches. The rule: a caller
   * reaches an upstream's resources, prompts and completions only if it may run that upstream's
   * tools, i.e. it holds UPSTREAM_TOOL_PERMISSIONS ('execute:tools'), which every upstream tool
   * requires; without them it reaches none (nothing listed, every item unknown). Inside a context
   * (/mcp/{contextId}) it reaches only the servers whose tools the context holds; never a server
   * kept to organizations that the caller's is not one of, or asking permissions it lacks. The same for
   * every resource, prompt and completion method, and for initialize's capabilities.
   */
  private async upstreamScope(context: RpcContext): Promise<UpstreamScope> {
    if (!UPSTREAM_TOOL_PERMISSIONS.every((permission) => holdsPermission(context.caller.permissions, permission))) return { servers: new Set<string>() };
    return {
      servers: context.ownToolNames ? await this.contextServers(context) : 'all',
      userId: context.caller.id,
      outOfReach: this.registry.serversOutOfReach(context.caller, await this.registry.organizationOf(context.caller)),
      origin: context.origin,
      sessionId: context.sessionId,
    };
  }

  private async scoped<T>(context: RpcContext, list: (scope: UpstreamScope) => Promise<T[]>): Promise<T[]> {
    return list(await this.upstreamScope(context));
  }

  /** Inside a context (/mcp/{contextId}), the upstream servers whose tools it holds. */
  private async contextServers(context: RpcContext): Promise<Set<string>> {
    const servers = new Set<string>();
    for (const { tool } of await this.exposed(context)) if (tool.definition.server) servers.add(tool.definition.server.id);
    return servers;
  }

  /** The same budget (and key) as the REST route's limit: one limit whatever the door. */
  private async limit(rule: 'toolsList' | 'toolsExecute' | 'api', context: RpcContext): Promise<void> {
    const state = await this.limiter.consume(`${rule}:user:${context.caller.id}`, this.limiter.rule(rule));
    if (!state.allowed) throw rateLimitExceeded(state);
  }

  /**
   * The tool a call names, if the caller sees it through this door: with its token's permissions,
   * or else with its user's when the door can ask for a wider grant (the call then meets that ask).
   */
  private async target(name: string, context: RpcContext): Promise<Exposed | undefined> {
    if (!context.contextId && !context.ownToolNames) {
      // Outside a context every tool goes by its registry name: no need to list them all.
      const tool = this.registry.find(name);
      if (!tool) return undefined;
      // Only a tool of a server kept to organizations needs the caller's: the common call asks nothing.
      const organizationId = this.registry.isKept(tool.definition) ? await this.registry.organizationOf(context.caller) : null;
      if (isAdmin(context.caller) || this.registry.mayRun(context.caller, tool, organizationId)) return { name: tool.definition.name, tool };
      const viewer = await this.stepUpViewer(context);
      return viewer !== context.caller && this.registry.mayRun(viewer, tool, organizationId) ? { name: tool.definition.name, tool } : undefined;
    }
    const named = (entry: Exposed): boolean => entry.name === name || entry.tool.definition.id === name;
    const found = (await this.exposed(context)).find(named);
    if (found) return found;
    const viewer = await this.stepUpViewer(context);
    return viewer !== context.caller ? (await this.exposed(context, viewer)).find(named) : undefined;
  }

  /**
   * MCP step-up: a JWT on /mcp may carry less than its user holds (an OAuth grant narrowed to the
   * scope asked for). Such a caller is shown the tools its user may run, and a call its token does
   * not cover is answered with the scope to ask for (403 insufficient_scope). Anyone else: itself.
   */
  private async stepUpViewer(context: RpcContext): Promise<AuthenticatedUser> {
    const caller = context.caller;
    if (context.door !== 'mcp' || caller.via !== 'jwt' || !this.permissionLookup || isAdmin(caller)) return caller;
    const held = await this.permissionLookup.heldBy(caller.id);
    return held.every((permission) => holdsPermission(caller.permissions, permission)) ? caller : Object.assign({}, caller, { permissions: held });
  }

  /** Throws the insufficient-scope refusal when a wider grant would let the call through; returns otherwise. */
  private async challengeStepUp(error: MissingPermissionsError, context: RpcContext): Promise<void> {
    const viewer = await this.stepUpViewer(context);
    if (viewer === context.caller || !error.missing.every((permission) => holdsPermission(viewer.permissions, permission))) return;
    // The scope to ask for keeps what the token has: a new grant replaces it.
    const scope = [...new Set([...context.caller.permissions, ...error.missing])].join(' ');
    const refusal = toRpcError(error);
    throw new RpcError(refusal.code, `${error.message} (this token's scope does not include it; authorize again with scope "${scope}")`, { code: 'FORBIDDEN', scope });
  }

  /** The tools this viewer (the caller unless said) sees through this door, with the names they are called by. */
  private async exposed(context: RpcContext, viewer: AuthenticatedUser = context.caller): Promise<Exposed[]> {
    let tools = isAdmin(viewer) ? this.registry.all() : this.registry.visibleTo(viewer, await this.registry.organizationOf(viewer));
    if (context.contextId && this.policies) {
      const policy = await this.policies.forContext(context.caller, context.contextId);
      tools = tools.filter((tool) => policy.allowedToolIds.has(tool.definition.id));
    }
    tools.sort((a, b) => a.definition.name.localeCompare(b.definition.name));
    if (!context.ownToolNames) return tools.map((tool) => ({ name: tool.definition.name, tool }));
    // Inside a context, upstream tools go by their own names, unless two would collide.
    const own = (tool: RegisteredTool) => (tool.definition.server ? tool.definition.name.slice(tool.definition.server.name.length + 2) : tool.definition.name);
    const counts = new Map<string, number>();
    for (const tool of tools) counts.set(own(tool), (counts.get(own(tool)) ?? 0) + 1);
    return tools.map((tool) => ({ name: counts.get(own(tool)) === 1 ? own(tool) : tool.definition.name, tool }));
  }
}

/** A finished run as MCP's CallToolResult: a failing tool is a result with isError, never a protocol error. */
function callResultOf(execution: ToolExecution): Record<string, unknown> {
  if (isCallToolResult(execution.result)) return execution.result;
  if (execution.status === 'failed') return { isError: true, content: [{ type: 'text', text: execution.error?.message ?? 'The tool failed' }], ...(execution.error ? { _meta: { code: execution.error.code } } : {}) };
  return { content: [{ type: 'text', text: JSON.stringify(execution.result ?? null) }], ...(isPlainObject(execution.result) ? { structuredContent: execution.result } : {}) };
}
