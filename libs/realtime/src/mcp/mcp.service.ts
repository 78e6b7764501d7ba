import { roleScopes, TokenCredentialVerifier } from '@app/auth';
import { ApiError, noteApiKey, type RequestOrigin, originOf, requestAddress } from '@app/common';
import { AppConfig } from '@app/config';
import { EventBus } from '@app/events';
import { errorResponse, InFlightRequests, INVALID_REQUEST, isSupportedProtocolVersion, type JsonRpcResponse, negotiateProtocolVersion, type RpcContext, RpcRegistry } from '@app/rpc';
import { type AuthenticatedUser, RateLimiter, rateLimitExceeded, rateLimitHeaders } from '@app/security';
import { SessionActivity, SessionsService } from '@app/sessions';
import { McpTasks, progressTokenOf, RunPolicies, TASKS_SINCE, ToolRegistry, UpstreamService } from '@app/tools';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit, Optional } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { ClientRequests } from '../client-requests';
import { atExpiry, mayRevoke, recheckCredential, REVOKING_EVENTS } from '../credential-watch';
import { SessionCache } from './session-cache';

declare module '@app/events' {
  interface EventMap {
    /** An MCP session's kept state changed (its log level): other instances re-read it. */
    'mcp.session.changed': { sessionId: string };
    /** A client cancelled a request that another instance is running. */
    'client.cancelled': { sessionId: string; requestId: string | number; reason: string };
  }
}

/** Who opened a GET stream, and with what: checked again when their rights may have changed or their key expires. */
interface StreamOwner {
  readonly user: AuthenticatedUser;
  readonly authorization: string;
  readonly address: string | undefined;
  disarm: () => void;
}

const SESSION_TTL_SECONDS = 24 * 3600;
// What listing and calling tools takes (an API key scoped to less sees less); tools add their own.
const MCP_SCOPES = ['read:tools', 'execute:tools'];
const TOOLS_CHANGED = { jsonrpc: '2.0', method: 'notifications/tools/list_changed' } as const;
// Protocol versions from which JSON-RPC batches are gone (2025-06-18 removed them).
const FIRST_VERSION_WITHOUT_BATCHES = '2025-06-18';
const SESSION_CACHE_MS = 30_000;
// Sessions read lately, kept here at most: about 2 MB, whatever clients that never return leave.
const SESSION_CACHE_MAX = 10_000;
// Each message goes on one stream only: more buy a client nothing, a newer one replaces the oldest.
const MAX_STREAMS_PER_SESSION = 3;
// Sessions are rows kept a day: past this many live ones, a user's oldest ends (its client, if
// still there, gets 404 and initializes again, as MCP asks).
const MAX_SESSIONS_PER_USER = 50;
const STREAM_HEARTBEAT_MS = 25_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface McpSession {
  readonly id: string;
  readonly userId: string;
  readonly contextId: string | null;
  readonly protocolVersion: string;
  /** What the client can answer (sampling, elicitation), from its initialize. */
  readonly capabilities: Readonly<Record<string, unknown>>;
  logLevel?: string;
}

const MAX_CAPABILITIES_CHARS = 4096;

/** The client's declared capabilities, bounded: an oversized object keeps only its names. */
function boundedCapabilities(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  if (JSON.stringify(value).length <= MAX_CAPABILITIES_CHARS) return value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(value).slice(0, 32).map((key) => [key.slice(0, 64), {}]));
}

/** One JSON-RPC message as a Server-Sent Event. */
function sseMessage(message: unknown): string {
  return `event: message\ndata: ${JSON.stringify(message)}\n\n`;
}

/** Whether an answer (one response or a batch) carries an error, for the session's counters. */
function hasError(answer: JsonRpcResponse | JsonRpcResponse[] | null): boolean {
  return answer !== null && (Array.isArray(answer) ? answer.some((response) => 'error' in response) : 'error' in answer);
}

/** The scope a refused call names (a token narrower than its user's grant), for a single answer. */
function insufficientScope(answer: JsonRpcResponse | JsonRpcResponse[] | null): string | undefined {
  if (answer === null || Array.isArray(answer) || !('error' in answer)) return undefined;
  const data = answer.error.data;
  return data?.code === 'FORBIDDEN' && typeof data.scope === 'string' ? data.scope : undefined;
}

interface JsonRpcLike {
  method?: unknown;
  id?: unknown;
  params?: { protocolVersion?: unknown; capabilities?: unknown };
}

/**
 * The MCP Streamable HTTP door. Sessions are rows in the sessions table (connectionType `mcp`),
 * so any instance can continue one; messages go to the same JSON-RPC registry as /ws.
 */
@Injectable()
export class McpService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('MCP');
  private readonly cache = new SessionCache<McpSession>(SESSION_CACHE_MS, SESSION_CACHE_MAX);
  private readonly inFlight = new InFlightRequests();
  private readonly streams = new Map<string, Set<ServerResponse>>();
  /** The context each streaming session serves (null: /mcp), for its list_changed notifications. */
  private readonly streamContexts = new Map<string, string | null>();
  /** The sessions with a stream here whose protocol has tasks: they hear when a task of theirs ends. */
  private readonly taskStreams = new Set<string>();
  private readonly streamOwners = new Map<ServerResponse, StreamOwner>();
  private heartbeat?: NodeJS.Timeout;
  private readonly unsubscribers: Array<() => void> = [];

  constructor(
    private readonly rpc: RpcRegistry,
    private readonly verifier: TokenCredentialVerifier,
    private readonly sessions: SessionsService,
    private readonly activity: SessionActivity,
    private readonly limiter: RateLimiter,
    private readonly registry: ToolRegistry,
    private readonly upstreams: UpstreamService,
    private readonly events: EventBus,
    private readonly config: AppConfig,
    private readonly clientRequests: ClientRequests,
    private readonly tasks: McpTasks,
    @Optional() private readonly policies?: RunPolicies,
  ) {}

  onModuleInit(): void {
    this.unsubscribers.push(this.events.on('tools.changed', () => this.broadcast(TOOLS_CHANGED)));
    this.unsubscribers.push(
      this.events.on('session.terminated', (event) => {
        this.cache.delete(event.payload.sessionId);
        this.closeStreams(event.payload.sessionId);
        // Ended by DELETE, logout or an admin: its resource subscriptions end with it.
        void this.upstreams.dropSubscriber(event.payload.sessionId);
      }),
    );
    this.unsubscribers.push(
      this.events.on('client.cancelled', (event) => void (event.origin !== this.events.instanceId && this.inFlight.cancel(event.payload.sessionId, event.payload.requestId, event.payload.reason))),
    );
    this.unsubscribers.push(this.events.on('mcp.session.changed', (event) => void (event.origin !== this.events.instanceId && this.cache.delete(event.payload.sessionId))));
    this.unsubscribers.push(
      this.events.on('resource.updated', (event) => {
        const message = sseMessage({ jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri: event.payload.uri } });
        for (const sessionId of event.payload.subscribers) this.sendToSession(sessionId, message);
      }),
    );
    // A context's tools are its own list: a session serving it hears when that list changes.
    this.unsubscribers.push(
      this.events.on('context.updated', (event) => {
        if (event.payload.changed.some((field) => field === 'tools' || field === 'status')) this.notifyContext(event.payload.contextId, TOOLS_CHANGED);
      }),
    );
    this.unsubscribers.push(this.events.on('context.deleted', (event) => this.notifyContext(event.payload.contextId, TOOLS_CHANGED)));
    // A task ended, on whichever instance ran it: the session that started it hears it on its stream here.
    this.unsubscribers.push(
      this.events.on('tool.executed', (event) => {
        const sessionId = event.payload.sessionId;
        if (sessionId && this.taskStreams.has(sessionId)) void this.tellTaskStatus(event.payload.executionId, sessionId);
      }),
    );
    // A stream opened with a credential since revoked or limited (an API key, a session) closes, as /ws connections do.
    this.unsubscribers.push(
      this.events.on('*', (event) => {
        if (!REVOKING_EVENTS.has(event.name)) return;
        for (const [stream, owner] of this.streamOwners) if (mayRevoke(owner.user, event)) void this.recheckStream(stream, owner);
      }),
    );
    this.heartbeat = setInterval(() => {
      this.writeAll(': keep-alive\n\n');
      this.cache.sweep();
    }, STREAM_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
    for (const off of this.unsubscribers) off();
    for (const id of [...this.streams.keys()]) this.closeStreams(id);
  }

  /** RFC 9728: what protects /mcp and how to get a token for it. */
  protectedResource(): Record<string, unknown> {
    const base = this.config.publicUrl;
    const scopes = new Set<string>([...roleScopes(), ...this.toolPermissions()]);
    return {
      resource: `${base}/mcp`,
      authorization_servers: [base],
      bearer_methods_supported: ['header'],
      scopes_supported: [...scopes].sort(),
      resource_name: 'Secure MCP Server',
      resource_documentation: `${base}/api/docs`,
    };
  }

  private resourceMetadataUrl(): string {
    return `${this.config.publicUrl}/.well-known/oauth-protected-resource`;
  }

  /**
   * The scope a client should ask for to use the MCP endpoint: listing and calling tools, and what
   * each tool requires. An OAuth token carries only what it was granted: a narrower ask runs less,
   * and is asked for more (step-up) when it calls what its user holds and it does not.
   */
  private mcpScopes(): string {
    return [...new Set([...MCP_SCOPES, ...this.toolPermissions()])].join(' ');
  }

  /** Every permission a tool, or one of its operations, requires. */
  private toolPermissions(): string[] {
    return this.registry.all().flatMap(({ definition }) => [...definition.permissions, ...Object.values(definition.operationPermissions ?? {}).flat()]);
  }

  async post(request: FastifyRequest, reply: FastifyReply, pathContextId?: string): Promise<unknown> {
    this.checkOrigin(request);
    // Credentials before content negotiation: a client without them learns where to get them.
    const caller = await this.authenticate(request, reply);
    this.checkAccept(request, 'application/json');
    const body = request.body;
    const messages: JsonRpcLike[] = (Array.isArray(body) ? body : [body]).filter((m): m is JsonRpcLike => typeof m === 'object' && m !== null);
    const version = request.headers['mcp-protocol-version'];
    if (typeof version === 'string' && !isSupportedProtocolVersion(version)) return this.fail(reply, 400, `Unsupported MCP-Protocol-Version: ${version.slice(0, 32)}`);
    const sessionHeader = request.headers['mcp-session-id'];
    const initialize = messages.find((message) => message.method === 'initialize');
    if (initialize) {
      if (typeof sessionHeader === 'string') return this.fail(reply, 400, 'This session is already initialized');
      if (messages.length > 1 || Array.isArray(body)) return this.fail(reply, 400, 'initialize must be sent on its own');
      return this.initialize(request, reply, caller, initialize, pathContextId);
    }
    if (typeof sessionHeader !== 'string') return this.fail(reply, 400, 'Mcp-Session-Id header is required (initialize first)');
    const session = await this.find(sessionHeader, caller, pathContextId);
    if (!session) return this.fail(reply, 404, 'Session not found', -32001);
    if (Array.isArray(body) && session.protocolVersion >= FIRST_VERSION_WITHOUT_BATCHES) return this.fail(reply, 400, `JSON-RPC batches are not part of MCP ${session.protocolVersion}; send one message per request`);
    const context: RpcContext = {
      caller,
      origin: originOf(request),
      door: 'mcp',
      sessionId: session.id,
      contextId: session.contextId,
      ownToolNames: session.contextId !== null,
      clientCapabilities: session.capabilities,
      protocolVersion: session.protocolVersion,
      logLevel: session.logLevel,
      setLogLevel: (level) => this.setLogLevel(session, level),
      onResponse: (response) => this.clientRequests.answer(session.id, response),
      inFlight: this.inFlight,
      cancelElsewhere: (requestId, reason) => this.events.publish('client.cancelled', { sessionId: session.id, requestId, reason }),
    };
    const streaming = this.streamingMode(request, body);
    const answer = streaming ? await this.answerStreaming(reply, body, context, streaming === 'eager') : await this.rpc.handleMessage(body, context);
    if (answer instanceof PassThrough) return answer;
    this.activity.exchange(session.id, hasError(answer));
    const scope = insufficientScope(answer);
    // MCP 2025-11-25 step-up: the HTTP answer tells an OAuth client which scope to ask for.
    if (scope) void reply.status(403).header('WWW-Authenticate', `Bearer error="insufficient_scope", scope="${scope}", resource_metadata="${this.resourceMetadataUrl()}", error_description="The access token lacks a scope this call needs"`);
    if (answer === null) {
      void reply.status(202);
      return undefined;
    }
    return answer;
  }

  /**
   * Answers `initialize` first and opens the session only when it succeeded: a notification or an
   * initialize with bad parameters gets its JSON-RPC answer and leaves no session behind.
   */
  private async initialize(request: FastifyRequest, reply: FastifyReply, caller: AuthenticatedUser, message: JsonRpcLike, pathContextId: string | undefined): Promise<unknown> {
    // An unknown or foreign context is the endpoint's 404, before anything is answered.
    if (pathContextId && this.policies) await this.policies.forContext(caller, pathContextId);
    const answer = await this.rpc.handleMessage(message, { caller, origin: originOf(request), door: 'mcp', contextId: pathContextId ?? null, ownToolNames: pathContextId !== undefined });
    if (answer === null) {
      void reply.status(202);
      return undefined;
    }
    if (hasError(answer)) return answer;
    const session = await this.open(caller, request, negotiateProtocolVersion(message.params?.protocolVersion), boundedCapabilities(message.params?.capabilities), pathContextId);
    void reply.header('mcp-session-id', session.id);
    this.activity.exchange(session.id, false);
    return answer;
  }

  /**
   * A single tools/call from a client that reads event streams may be answered as one: at once
   * when it asked for progress, otherwise only if the tool sends something (a log message, a
   * sampling or elicitation request) before its result. Anything else is answered as JSON.
   */
  private streamingMode(request: FastifyRequest, body: unknown): 'eager' | 'lazy' | undefined {
    const message = body as JsonRpcLike | undefined;
    const accept = request.headers.accept;
    if (Array.isArray(body) || message?.method !== 'tools/call' || typeof accept !== 'string' || !accept.includes('text/event-stream')) return undefined;
    // A notification is answered 202 with no body, whatever it asked for.
    if (message.id === undefined || message.id === null) return undefined;
    return progressTokenOf(message.params) !== undefined ? 'eager' : 'lazy';
  }

  /**
   * Runs the call with a channel back to the client: its notifications and requests, then its
   * response, go on an SSE stream opened by the first of them. Resolves with that stream, or with
   * the plain answer when the call sent nothing before it ended.
   */
  private async answerStreaming(reply: FastifyReply, body: unknown, context: RpcContext, eager: boolean): Promise<PassThrough | JsonRpcResponse | JsonRpcResponse[] | null> {
    let stream: PassThrough | undefined;
    let finished = false;
    let opened: (stream: PassThrough) => void = () => undefined;
    const whenOpened = new Promise<PassThrough>((resolve) => (opened = resolve));
    // Aborted when the client goes away: requests waiting for its answer give up. Made with the
    // stream only: most calls send nothing early, and an AbortController is costly on this path.
    let closed: AbortController | undefined;
    const open = (): PassThrough => {
      const controller = new AbortController();
      closed = controller;
      stream = new PassThrough();
      stream.once('close', () => controller.abort());
      void reply.header('content-type', 'text/event-stream').header('cache-control', 'no-cache, no-transform');
      opened(stream);
      return stream;
    };
    const send = (message: unknown): boolean => {
      if (!stream && finished) return false;
      const target = stream ?? open();
      if (!target.writable) return false;
      target.write(sseMessage(message));
      return true;
    };
    if (eager) open();
    const sessionId = context.sessionId as string;
    const answering = this.rpc
      .handleMessage(body, {
        notify: (method, params) => void send({ jsonrpc: '2.0', method, params }),
        ask: (method, params, signal) => {
          if (!stream && !finished) open();
          return this.clientRequests.ask(sessionId, method, params, send, closed ? AbortSignal.any([signal, closed.signal]) : signal);
        },
        // Spread last: `{ ...context, more }` is a slow path on Node 20.
        ...context,
      })
      .then((answer) => {
        finished = true;
        if (stream) {
          this.activity.exchange(sessionId, hasError(answer));
          if (answer !== null) send(answer);
          stream.end();
        }
        return answer;
      });
    return Promise.race([answering, whenOpened]);
  }

  /** GET: the session's Server-Sent Events stream (list_changed and other notifications). */
  async stream(request: FastifyRequest, reply: FastifyReply, pathContextId?: string): Promise<void> {
    this.checkOrigin(request);
    const caller = await this.authenticate(request, reply);
    const limited = await this.spendApi(caller);
    this.checkAccept(request, 'text/event-stream');
    const sessionHeader = request.headers['mcp-session-id'];
    const session = typeof sessionHeader === 'string' ? await this.find(sessionHeader, caller, pathContextId) : undefined;
    if (!session) {
      const body = this.fail(reply, typeof sessionHeader === 'string' ? 404 : 400, typeof sessionHeader === 'string' ? 'Session not found' : 'Mcp-Session-Id header is required');
      await reply.send(body);
      return;
    }
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'mcp-session-id': session.id, 'x-request-id': String(request.id), ...limited });
    raw.write(': connected\n\n');
    const set = this.streams.get(session.id) ?? new Set<ServerResponse>();
    // A client that reconnects while its old stream lingers gets the new one: the oldest goes.
    for (const oldest of set) {
      if (set.size < MAX_STREAMS_PER_SESSION) break;
      set.delete(oldest);
      oldest.end(': replaced by a newer stream of this session\n\n');
    }
    set.add(raw);
    this.streams.set(session.id, set);
    this.streamContexts.set(session.id, session.contextId);
    if (session.protocolVersion >= TASKS_SINCE) this.taskStreams.add(session.id);
    const owner: StreamOwner = { user: caller, authorization: request.headers.authorization ?? '', address: requestAddress(request), disarm: () => undefined };
    owner.disarm = atExpiry(caller, () => void this.recheckStream(raw, owner));
    this.streamOwners.set(raw, owner);
    raw.on('close', () => {
      owner.disarm();
      this.streamOwners.delete(raw);
      set.delete(raw);
      if (set.size > 0) return;
      this.streams.delete(session.id);
      this.streamContexts.delete(session.id);
      this.taskStreams.delete(session.id);
    });
  }

  /** Ends the session (204, no body) or answers why not with a JSON-RPC error. */
  async remove(request: FastifyRequest, reply: FastifyReply, pathContextId?: string): Promise<unknown> {
    this.checkOrigin(request);
    const caller = await this.authenticate(request, reply);
    void reply.headers(await this.spendApi(caller));
    const sessionHeader = request.headers['mcp-session-id'];
    const session = typeof sessionHeader === 'string' ? await this.find(sessionHeader, caller, pathContextId) : undefined;
    if (!session) return this.fail(reply, typeof sessionHeader === 'string' ? 404 : 400, typeof sessionHeader === 'string' ? 'Session not found' : 'Mcp-Session-Id header is required');
    await this.sessions.end(session.id, 'closed by the client');
    this.cache.delete(session.id);
    this.closeStreams(session.id);
    void reply.status(204);
    return undefined;
  }

  /**
   * GET and DELETE spend the API's budget, as initialize does (the route cannot: the door
   * authenticates itself, so the guard does not know the user): opening streams or ending sessions
   * in a loop is not free. Answers the headers that say what is left.
   */
  private async spendApi(caller: AuthenticatedUser): Promise<Record<string, string>> {
    const state = await this.limiter.consume(`api:user:${caller.id}`, this.limiter.rule('api'));
    if (!state.allowed) throw rateLimitExceeded(state);
    return rateLimitHeaders(state);
  }

  // Browsers send Origin; a page on another site must not drive a local MCP server (DNS rebinding).
  private checkOrigin(request: FastifyRequest): void {
    const origin = request.headers.origin;
    if (typeof origin === 'string' && !this.config.realtime.mcpAllowedOrigins.includes(origin)) throw ApiError.forbidden(`Origin ${origin.slice(0, 200)} is not allowed`);
  }

  private checkAccept(request: FastifyRequest, wanted: string): void {
    const accept = request.headers.accept;
    if (typeof accept === 'string' && accept !== '' && !accept.includes(wanted) && !accept.includes('*/*')) {
      throw new ApiError(406, 'VALIDATION_ERROR', `Accept must allow ${wanted}`);
    }
  }

  private async authenticate(request: FastifyRequest, reply: FastifyReply): Promise<AuthenticatedUser> {
    // MCP 2025-11-25: the scope a client should ask for comes first from the challenge itself.
    const challenge = (): string => `Bearer resource_metadata="${this.resourceMetadataUrl()}", scope="${this.mcpScopes()}"`;
    let user: AuthenticatedUser | null;
    try {
      user = await this.verifier.verifyAuthorization(request.headers.authorization, requestAddress(request));
    } catch (error) {
      // A credential refused from this address (403) is not an invalid token: no challenge to retry.
      if (!(error instanceof ApiError) || error.status === 401) void reply.header('WWW-Authenticate', `${challenge()}, error="invalid_token"`);
      throw error;
    }
    if (!user) {
      void reply.header('WWW-Authenticate', challenge());
      throw ApiError.unauthorized();
    }
    if (user.apiKeyId) noteApiKey(request, user.apiKeyId);
    return user;
  }

  private async open(caller: AuthenticatedUser, request: FastifyRequest, protocolVersion: string, capabilities: Record<string, unknown>, contextId: string | undefined): Promise<McpSession> {
    const origin: RequestOrigin = originOf(request);
    const row = await this.sessions.start({ userId: caller.id, connectionType: 'mcp', origin, ttlSeconds: SESSION_TTL_SECONDS, contextId: contextId ?? null, protocolVersion, clientCapabilities: capabilities });
    const session: McpSession = { id: row.id, userId: caller.id, contextId: contextId ?? null, protocolVersion, capabilities };
    this.cache.set(session.id, session);
    // Best effort: the new session stands whether or not older ones could be ended now.
    await this.sessions.endBeyondNewest(caller.id, 'mcp', MAX_SESSIONS_PER_USER, 'replaced by newer sessions').catch((error: Error) => this.logger.warn(`older MCP sessions not ended: ${error.message}`));
    return session;
  }

  /** The caller's live MCP session for this endpoint; undefined for anything else (answered 404). */
  private async find(id: string, caller: AuthenticatedUser, pathContextId: string | undefined): Promise<McpSession | undefined> {
    // An ended session leaves the cache on every instance (session.terminated), or goes stale in it.
    if (!UUID.test(id)) return undefined;
    let session = this.cache.get(id);
    if (!session) {
      const row = await this.sessions.findActive(id);
      session =
        row && row.connectionType === 'mcp'
          ? { id: row.id, userId: row.userId, contextId: row.contextId, protocolVersion: row.protocolVersion ?? '2025-03-26', capabilities: row.clientCapabilities ?? {}, logLevel: row.logLevel ?? undefined }
          : undefined;
      if (session) this.cache.set(id, session);
      else this.cache.delete(id);
    }
    if (!session || session.userId !== caller.id || session.contextId !== (pathContextId ?? null)) return undefined;
    return session;
  }

  private async setLogLevel(session: McpSession, level: string): Promise<void> {
    await this.sessions.setLogLevel(session.id, level);
    session.logLevel = level;
    this.events.publish('mcp.session.changed', { sessionId: session.id });
  }

  private fail(reply: FastifyReply, status: number, message: string, code = INVALID_REQUEST): unknown {
    void reply.status(status);
    return errorResponse(null, { code, message });
  }

  private async tellTaskStatus(executionId: string, sessionId: string): Promise<void> {
    try {
      const notification = await this.tasks.statusNotification(executionId);
      if (notification) this.sendToSession(sessionId, sseMessage(notification));
    } catch (error) {
      // A client polling tasks/get still learns it: a notification is a courtesy.
      this.logger.warn(`notifications/tasks/status not sent: ${(error as Error).message}`);
    }
  }

  private broadcast(message: Record<string, unknown>): void {
    const chunk = sseMessage(message);
    for (const sessionId of this.streams.keys()) this.sendToSession(sessionId, chunk);
  }

  private notifyContext(contextId: string, message: Record<string, unknown>): void {
    const chunk = sseMessage(message);
    for (const [sessionId, served] of this.streamContexts) if (served === contextId) this.sendToSession(sessionId, chunk);
  }

  /**
   * A message goes on one of the session's streams, the newest still open: the transport forbids
   * sending one message on several (MCP 2025-11-25, Streamable HTTP, multiple connections).
   */
  private sendToSession(sessionId: string, chunk: string): void {
    let newest: ServerResponse | undefined;
    for (const stream of this.streams.get(sessionId) ?? []) if (!stream.writableEnded) newest = stream;
    newest?.write(chunk);
  }

  /** Comments only (keep-alives): every stream needs them, and they are not messages. */
  private writeAll(chunk: string): void {
    for (const set of this.streams.values()) for (const stream of set) if (!stream.writableEnded) stream.write(chunk);
  }

  /** A stream whose credential no longer holds ends; one that still holds is checked again when it expires. */
  private async recheckStream(stream: ServerResponse, owner: StreamOwner): Promise<void> {
    const { reason, now } = await recheckCredential(this.verifier, owner.user, owner.authorization, owner.address);
    owner.disarm();
    if (reason !== null) stream.end();
    else if (now && this.streamOwners.has(stream)) owner.disarm = atExpiry(now, () => void this.recheckStream(stream, owner));
  }

  private closeStreams(sessionId: string): void {
    for (const stream of this.streams.get(sessionId) ?? []) stream.end();
    this.streams.delete(sessionId);
  }
}
