import { effectivePermissions, ROLES, TokenCredentialVerifier } from '@app/auth';
import { ApiError, type RequestOrigin, originOf } from '@app/common';
import { AppConfig } from '@app/config';
import { EventBus } from '@app/events';
import { errorResponse, INVALID_REQUEST, isSupportedProtocolVersion, type JsonRpcResponse, negotiateProtocolVersion, type RpcContext, RpcRegistry } from '@app/rpc';
import { type AuthenticatedUser, SessionRevocations } from '@app/security';
import { SessionActivity, SessionsService } from '@app/sessions';
import { progressTokenOf, RunPolicies, ToolRegistry, UpstreamService } from '@app/tools';
import { Injectable, type OnModuleDestroy, type OnModuleInit, Optional } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';

const SESSION_TTL_SECONDS = 24 * 3600;
const SESSION_CACHE_MS = 30_000;
const STREAM_HEARTBEAT_MS = 25_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface McpSession {
  readonly id: string;
  readonly userId: string;
  readonly contextId: string | null;
  readonly protocolVersion: string;
  readonly cachedAt: number;
}

/** One JSON-RPC message as a Server-Sent Event. */
function sseMessage(message: unknown): string {
  return `event: message\ndata: ${JSON.stringify(message)}\n\n`;
}

/** Whether an answer (one response or a batch) carries an error, for the session's counters. */
function hasError(answer: JsonRpcResponse | JsonRpcResponse[] | null): boolean {
  return answer !== null && (Array.isArray(answer) ? answer.some((response) => 'error' in response) : 'error' in answer);
}

interface JsonRpcLike {
  method?: unknown;
  id?: unknown;
  params?: { protocolVersion?: unknown };
}

/**
 * The MCP Streamable HTTP door. Sessions are rows in the sessions table (connectionType `mcp`),
 * so any instance can continue one; messages go to the same JSON-RPC registry as /ws.
 */
@Injectable()
export class McpService implements OnModuleInit, OnModuleDestroy {
  private readonly cache = new Map<string, McpSession>();
  private readonly streams = new Map<string, Set<ServerResponse>>();
  private heartbeat?: NodeJS.Timeout;
  private readonly unsubscribers: Array<() => void> = [];

  constructor(
    private readonly rpc: RpcRegistry,
    private readonly verifier: TokenCredentialVerifier,
    private readonly sessions: SessionsService,
    private readonly activity: SessionActivity,
    private readonly revocations: SessionRevocations,
    private readonly registry: ToolRegistry,
    private readonly upstreams: UpstreamService,
    private readonly events: EventBus,
    private readonly config: AppConfig,
    @Optional() private readonly policies?: RunPolicies,
  ) {}

  onModuleInit(): void {
    this.unsubscribers.push(this.events.on('tools.changed', () => this.broadcast({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' })));
    this.unsubscribers.push(
      this.events.on('session.terminated', (event) => {
        this.cache.delete(event.payload.sessionId);
        this.closeStreams(event.payload.sessionId);
        // Ended by DELETE, logout or an admin: its resource subscriptions end with it.
        void this.upstreams.dropSubscriber(event.payload.sessionId);
      }),
    );
    this.unsubscribers.push(
      this.events.on('resource.updated', (event) => {
        const message = sseMessage({ jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri: event.payload.uri } });
        for (const sessionId of event.payload.subscribers) for (const stream of this.streams.get(sessionId) ?? []) if (!stream.writableEnded) stream.write(message);
      }),
    );
    this.heartbeat = setInterval(() => this.writeAll(': keep-alive\n\n'), STREAM_HEARTBEAT_MS);
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
    const scopes = new Set<string>(ROLES.flatMap((role) => effectivePermissions([role], [])));
    for (const tool of this.registry.all()) for (const permission of tool.definition.permissions) scopes.add(permission);
    return {
      resource: `${base}/mcp`,
      authorization_servers: [base],
      bearer_methods_supported: ['header'],
      scopes_supported: [...scopes].sort(),
      resource_name: 'Secure MCP Server',
      resource_documentation: `${base}/api/docs`,
    };
  }

  async post(request: FastifyRequest, reply: FastifyReply, pathContextId?: string): Promise<unknown> {
    this.checkOrigin(request);
    this.checkAccept(request, 'application/json');
    const caller = await this.authenticate(request, reply);
    const body = request.body;
    const messages: JsonRpcLike[] = (Array.isArray(body) ? body : [body]).filter((m): m is JsonRpcLike => typeof m === 'object' && m !== null);
    const version = request.headers['mcp-protocol-version'];
    if (typeof version === 'string' && !isSupportedProtocolVersion(version)) return this.fail(reply, 400, `Unsupported MCP-Protocol-Version: ${version.slice(0, 32)}`);
    const sessionHeader = request.headers['mcp-session-id'];
    const initialize = messages.find((message) => message.method === 'initialize');
    let session: McpSession;
    if (initialize) {
      if (typeof sessionHeader === 'string') return this.fail(reply, 400, 'This session is already initialized');
      if (messages.length > 1 || Array.isArray(body)) return this.fail(reply, 400, 'initialize must be sent on its own');
      session = await this.open(caller, request, negotiateProtocolVersion(initialize.params?.protocolVersion), pathContextId);
      void reply.header('mcp-session-id', session.id);
    } else {
      if (typeof sessionHeader !== 'string') return this.fail(reply, 400, 'Mcp-Session-Id header is required (initialize first)');
      const found = await this.find(sessionHeader, caller, pathContextId);
      if (!found) return this.fail(reply, 404, 'Session not found', -32001);
      session = found;
    }
    const context: RpcContext = { caller, origin: originOf(request), door: 'mcp', sessionId: session.id, contextId: session.contextId, ownToolNames: session.contextId !== null };
    if (this.wantsProgress(request, body)) return this.answerAsStream(reply, body, context);
    const answer = await this.rpc.handleMessage(body, context);
    this.activity.exchange(session.id, hasError(answer));
    if (answer === null) {
      void reply.status(202);
      return undefined;
    }
    return answer;
  }

  /** A single tools/call with a progress token, from a client that reads event streams. */
  private wantsProgress(request: FastifyRequest, body: unknown): boolean {
    const message = body as JsonRpcLike | undefined;
    const accept = request.headers.accept;
    return !Array.isArray(body) && message?.method === 'tools/call' && typeof accept === 'string' && accept.includes('text/event-stream') && progressTokenOf(message.params) !== undefined;
  }

  /** The answer as an SSE stream: the call's progress notifications as they come, then its response. */
  private answerAsStream(reply: FastifyReply, body: unknown, context: RpcContext): PassThrough {
    const stream = new PassThrough();
    const send = (message: unknown): void => {
      if (!stream.writableEnded) stream.write(sseMessage(message));
    };
    void reply.header('content-type', 'text/event-stream').header('cache-control', 'no-cache, no-transform');
    void (async () => {
      try {
        const answer = await this.rpc.handleMessage(body, { ...context, notify: (method, params) => send({ jsonrpc: '2.0', method, params }) });
        this.activity.exchange(context.sessionId as string, hasError(answer));
        if (answer !== null) send(answer);
      } finally {
        stream.end();
      }
    })();
    return stream;
  }

  /** GET: the session's Server-Sent Events stream (list_changed and other notifications). */
  async stream(request: FastifyRequest, reply: FastifyReply, pathContextId?: string): Promise<void> {
    this.checkOrigin(request);
    this.checkAccept(request, 'text/event-stream');
    const caller = await this.authenticate(request, reply);
    const sessionHeader = request.headers['mcp-session-id'];
    const session = typeof sessionHeader === 'string' ? await this.find(sessionHeader, caller, pathContextId) : undefined;
    if (!session) {
      const body = this.fail(reply, typeof sessionHeader === 'string' ? 404 : 400, typeof sessionHeader === 'string' ? 'Session not found' : 'Mcp-Session-Id header is required');
      await reply.send(body);
      return;
    }
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'mcp-session-id': session.id, 'x-request-id': String(request.id) });
    raw.write(': connected\n\n');
    const set = this.streams.get(session.id) ?? new Set<ServerResponse>();
    set.add(raw);
    this.streams.set(session.id, set);
    raw.on('close', () => {
      set.delete(raw);
      if (set.size === 0) this.streams.delete(session.id);
    });
  }

  /** Ends the session (204, no body) or answers why not with a JSON-RPC error. */
  async remove(request: FastifyRequest, reply: FastifyReply, pathContextId?: string): Promise<unknown> {
    this.checkOrigin(request);
    const caller = await this.authenticate(request, reply);
    const sessionHeader = request.headers['mcp-session-id'];
    const session = typeof sessionHeader === 'string' ? await this.find(sessionHeader, caller, pathContextId) : undefined;
    if (!session) return this.fail(reply, typeof sessionHeader === 'string' ? 404 : 400, typeof sessionHeader === 'string' ? 'Session not found' : 'Mcp-Session-Id header is required');
    await this.sessions.end(session.id, 'closed by the client');
    this.cache.delete(session.id);
    this.closeStreams(session.id);
    void reply.status(204);
    return undefined;
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
    const metadata = `${this.config.publicUrl}/.well-known/oauth-protected-resource`;
    let user: AuthenticatedUser | null;
    try {
      user = await this.verifier.verifyAuthorization(request.headers.authorization);
    } catch (error) {
      void reply.header('WWW-Authenticate', `Bearer resource_metadata="${metadata}", error="invalid_token"`);
      throw error;
    }
    if (!user) {
      void reply.header('WWW-Authenticate', `Bearer resource_metadata="${metadata}"`);
      throw ApiError.unauthorized();
    }
    return user;
  }

  private async open(caller: AuthenticatedUser, request: FastifyRequest, protocolVersion: string, contextId: string | undefined): Promise<McpSession> {
    if (contextId && this.policies) await this.policies.forContext(caller, contextId);
    const origin: RequestOrigin = originOf(request);
    const row = await this.sessions.start({ userId: caller.id, connectionType: 'mcp', origin, ttlSeconds: SESSION_TTL_SECONDS, contextId: contextId ?? null, protocolVersion });
    const session: McpSession = { id: row.id, userId: caller.id, contextId: contextId ?? null, protocolVersion, cachedAt: Date.now() };
    this.cache.set(session.id, session);
    return session;
  }

  /** The caller's live MCP session for this endpoint; undefined for anything else (answered 404). */
  private async find(id: string, caller: AuthenticatedUser, pathContextId: string | undefined): Promise<McpSession | undefined> {
    if (!UUID.test(id) || this.revocations.isRevoked(id)) return undefined;
    let session = this.cache.get(id);
    if (!session || Date.now() - session.cachedAt > SESSION_CACHE_MS) {
      const row = await this.sessions.findActive(id);
      session = row && row.connectionType === 'mcp' ? { id: row.id, userId: row.userId, contextId: row.contextId, protocolVersion: row.protocolVersion ?? '2025-03-26', cachedAt: Date.now() } : undefined;
      if (session) this.cache.set(id, session);
      else this.cache.delete(id);
    }
    if (!session || session.userId !== caller.id || session.contextId !== (pathContextId ?? null)) return undefined;
    return session;
  }

  private fail(reply: FastifyReply, status: number, message: string, code = INVALID_REQUEST): unknown {
    void reply.status(status);
    return errorResponse(null, { code, message });
  }

  private broadcast(message: Record<string, unknown>): void {
    this.writeAll(sseMessage(message));
  }

  private writeAll(chunk: string): void {
    for (const set of this.streams.values()) for (const stream of set) if (!stream.writableEnded) stream.write(chunk);
  }

  private closeStreams(sessionId: string): void {
    for (const stream of this.streams.get(sessionId) ?? []) stream.end();
    this.streams.delete(sessionId);
  }
}
