import { API_KEY_LIMIT_EXCEEDED, ApiKeysService, TokenCredentialVerifier } from '@app/auth';
import { clientAddressOf, type RequestOrigin } from '@app/common';
import { AppConfig } from '@app/config';
import { type EventEnvelope, EventBus } from '@app/events';
import { MetricsService } from '@app/health';
import { InFlightRequests, type JsonRpcErrorObject, RpcError, type RpcContext, RpcRegistry } from '@app/rpc';
import type { AuthenticatedUser } from '@app/security';
import { SessionActivity, SessionsService } from '@app/sessions';
import { McpTasks, TASKS_SINCE } from '@app/tools';
import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayDisconnect, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import type WebSocket from 'ws';
import { followed, PUBLIC_EVENTS, visibleTo } from '../event-visibility';
import { ClientRequests } from '../client-requests';
import { atExpiry, mayRevoke, recheckCredential, REVOKING_EVENTS } from '../credential-watch';
import { upgraded } from './rpc-ws.adapter';

const HEARTBEAT_MS = 30_000;
const SLOW_READER_BYTES = 1024 * 1024;
const ABUSE_WINDOWS = 3;
const CLOSE_POLICY = 1008;
const CLOSE_GOING_AWAY = 1001;
const CLOSE_REASON_CHARS = 120;
const RATE_LIMITED: JsonRpcErrorObject = { code: -32029, message: 'Too many messages; slow down', data: { code: 'RATE_LIMIT_EXCEEDED' } };

/** Closes with 1008; ws throws on a reason over 123 bytes, so it is kept short and ASCII. */
function closeForPolicy(socket: WebSocket, reason: string): void {
  socket.close(CLOSE_POLICY, reason.replace(/[^\x20-\x7e]/g, '?').slice(0, CLOSE_REASON_CHARS));
}

interface Connection {
  readonly socket: WebSocket;
  context: RpcContext;
  readonly user: AuthenticatedUser;
  /** The credential the connection was opened with, checked again when the user's rights may have changed. */
  readonly authorization: string;
  /** The latest such check: frames wait for it, so none runs with rights already taken away. */
  checked: Promise<void>;
  /** Checks under way: notifications are held back (dropped, as for a slow reader) until it is known to keep its rights. */
  checking: number;
  /** Disarms the check due when the credential (an API key) expires. */
  disarm: () => void;
  sessionId: string;
  /** Frames that arrive while the session row is being written wait for it. */
  readonly ready: Promise<void>;
  windowStart: number;
  windowCount: number;
  abusiveWindows: number;
  alive: boolean;
  dropped: number;
  /** Aborted when the socket goes: requests waiting for this client's answer give up. */
  readonly closed: AbortController;
}

/**
 * /ws: JSON-RPC 2.0 over WebSocket. Every frame goes to the shared method registry; the gateway
 * only keeps connection state (session, limits, subscriptions, heartbeat).
 */
@WebSocketGateway({ path: '/ws' })
export class RpcGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('WebSocket');
  private readonly connections = new Map<WebSocket, Connection>();
  // Connections that follow at least one event: an event is offered to these only, not to every
  // socket (10,000 idle ones cost a pass over all of them for each tool run anywhere).
  private readonly subscribers = new Set<Connection>();
  private readonly ownerOf = new WeakMap<Set<string>, Connection>();
  /** Connections by their session: a task's end is told to the one that started it. */
  private readonly bySession = new Map<string, Connection>();
  private readonly inFlight = new InFlightRequests();
  private heartbeat?: NodeJS.Timeout;
  private unsubscribe?: () => void;

  constructor(
    private readonly rpc: RpcRegistry,
    private readonly sessions: SessionsService,
    private readonly activity: SessionActivity,
    private readonly events: EventBus,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
    private readonly clientRequests: ClientRequests,
    private readonly verifier: TokenCredentialVerifier,
    private readonly tasks: McpTasks,
    private readonly apiKeys: ApiKeysService,
  ) {}

  onModuleInit(): void {
    this.rpc.register('subscribe', {
      doors: ['ws'],
      params: { type: 'object', required: ['events'], additionalProperties: false, properties: { events: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'string', maxLength: 64 } } } },
      handle: (params, context) => this.subscribe(params.events as string[], context),
    });
    this.rpc.register('unsubscribe', {
      doors: ['ws'],
      params: { type: 'object', required: ['events'], additionalProperties: false, properties: { events: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 64 } } } },
      handle: (params, context) => {
        const subscriptions = context.subscriptions;
        for (const name of params.events as string[]) subscriptions?.delete(name);
        const owner = subscriptions && this.ownerOf.get(subscriptions);
        if (owner && subscriptions.size === 0) this.subscribers.delete(owner);
        return { unsubscribed: true, events: params.events };
      },
    });
    this.unsubscribe = this.events.on('*', (event) => this.deliver(event));
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
    this.unsubscribe?.();
    for (const connection of this.connections.values()) connection.socket.close(CLOSE_GOING_AWAY, 'server shutting down');
  }

  /** Users' live connections on this instance (the per-user cap). */
  countFor(userId: string): number {
    let count = 0;
    for (const connection of this.connections.values()) if (connection.user.id === userId) count++;
    return count;
  }

  async handleConnection(socket: WebSocket, request: IncomingMessage): Promise<void> {
    const opened = upgraded(request);
    if (!opened) {
      socket.close(CLOSE_POLICY, 'unauthenticated');
      return;
    }
    const { user, authorization } = opened;
    const userAgent = request.headers['user-agent'];
    const origin: RequestOrigin = { ipAddress: clientAddressOf(request, this.config.trustProxy), userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : undefined, apiKeyId: user.apiKeyId };
    const started = this.sessions.start({ userId: user.id, connectionType: 'websocket', origin, ttlSeconds: this.config.refreshTokenTtlSeconds });
    const subscriptions = new Set<string>();
    const connection: Connection = {
      socket,
      user,
      authorization,
      checked: Promise.resolve(),
      checking: 0,
      disarm: () => undefined,
      sessionId: '',
      context: {
        caller: user,
        origin,
        door: 'ws',
        contextId: null,
        subscriptions,
        notify: (method, params) => this.notify(socket, method, params),
        admit: () => (this.overLimit(connection) ? RATE_LIMITED : undefined),
        // Every message spends from the key's own limit, as every request with it does on the other doors.
        ...(user.apiKeyId ? { spend: () => this.spendKey(user.apiKeyId as string) } : {}),
      },
      ready: started.then((session) => {
        connection.sessionId = session.id;
        // A socket that closed meanwhile has been let go already (handleDisconnect).
        if (!connection.closed.signal.aborted) this.bySession.set(session.id, connection);
        connection.context = {
          ...connection.context,
          sessionId: session.id,
          // Requests to the client (sampling, elicitation) and its answers travel on the socket.
          ask: (method, params, signal) => this.clientRequests.ask(session.id, method, params, (message) => this.sendFrame(socket, message), AbortSignal.any([signal, connection.closed.signal])),
          onResponse: (response) => this.clientRequests.answer(session.id, response),
          inFlight: this.inFlight,
        };
      }),
      windowStart: Date.now(),
      windowCount: 0,
      abusiveWindows: 0,
      alive: true,
      dropped: 0,
      closed: new AbortController(),
    };
    this.connections.set(socket, connection);
    this.ownerOf.set(subscriptions, connection);
    // A revocation that landed between the upgrade's check and now would otherwise be missed.
    connection.checked = this.recheck(connection);
    connection.disarm = atExpiry(user, () => (connection.checked = this.recheck(connection)));
    this.metrics.websocketConnections.inc();
    socket.on('pong', () => (connection.alive = true));
    try {
      await connection.ready;
    } catch (error) {
      this.logger.warn(`session not started: ${(error as Error).message}`);
      socket.close(1011, 'session could not be started');
    }
  }

  async handleDisconnect(socket: WebSocket): Promise<void> {
    const connection = this.connections.get(socket);
    if (!connection) return;
    this.connections.delete(socket);
    this.subscribers.delete(connection);
    if (connection.sessionId) this.bySession.delete(connection.sessionId);
    connection.disarm();
    this.metrics.websocketConnections.dec();
    connection.closed.abort();
    await connection.ready.catch(() => undefined);
    if (!connection.sessionId) return;
    await this.sessions.end(connection.sessionId, 'connection closed').catch((error: Error) => this.logger.warn(`session not ended: ${error.message}`));
  }

  /** Every frame goes to the shared dispatcher, which counts each message against the rate; the reply (if any) goes back as JSON. */
  @SubscribeMessage('rpc')
  async onFrame(socket: WebSocket, frame: string): Promise<void> {
    const connection = this.connections.get(socket);
    if (!connection) return;
    await connection.ready;
    await connection.checked;
    // Closing (rights taken away, abuse, shutdown): nothing more runs on this connection.
    if (socket.readyState !== socket.OPEN) return;
    const reply = await this.rpc.handleFrame(frame, connection.context);
    this.activity.exchange(connection.sessionId, reply !== null && (Array.isArray(reply) ? reply.some((r) => 'error' in r) : 'error' in reply));
    if (reply !== null && socket.readyState === socket.OPEN) socket.send(JSON.stringify(reply));
  }

  /** 100 messages/s (configurable) per connection; sustained abuse closes it with 1008. */
  private overLimit(connection: Connection): boolean {
    const rule = this.config.rateLimits.wsMessages;
    const now = Date.now();
    if (now - connection.windowStart >= rule.windowSeconds * 1000) {
      connection.abusiveWindows = connection.windowCount > rule.limit * 2 ? connection.abusiveWindows + 1 : 0;
      connection.windowStart = now;
      connection.windowCount = 0;
    }
    connection.windowCount++;
    if (connection.windowCount <= rule.limit) return false;
    if (connection.abusiveWindows >= ABUSE_WINDOWS) connection.socket.close(CLOSE_POLICY, 'message rate limit exceeded repeatedly');
    return true;
  }

  /** A notification about a request in hand (MCP progress); a slow reader does without. */
  private notify(socket: WebSocket, method: string, params: Record<string, unknown>): void {
    if (socket.readyState === socket.OPEN && socket.bufferedAmount <= SLOW_READER_BYTES) socket.send(JSON.stringify({ jsonrpc: '2.0', method, params }));
  }

  private sendFrame(socket: WebSocket, message: Record<string, unknown>): boolean {
    if (socket.readyState !== socket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  private subscribe(events: string[], context: RpcContext): Record<string, unknown> {
    const unknown = events.filter((name) => !PUBLIC_EVENTS.has(name));
    if (unknown.length > 0) throw new RpcError(-32602, `Unknown events: ${unknown.join(', ')}`, { code: 'VALIDATION_ERROR', details: unknown.map((name) => ({ field: 'events', message: `unknown event ${name}`, code: 'INVALID_VALUE' })) });
    const subscriptions = context.subscriptions;
    for (const name of events) subscriptions?.add(name);
    const owner = subscriptions && this.ownerOf.get(subscriptions);
    if (owner && this.connections.has(owner.socket)) this.subscribers.add(owner);
    return { subscribed: true, events };
  }

  private deliver(event: EventEnvelope): void {
    if (event.name === 'session.terminated') this.closeTerminated(event as EventEnvelope<'session.terminated'>);
    if (event.name === 'tool.executed') this.tellTaskStatus(event as EventEnvelope<'tool.executed'>);
    this.recheckAffected(event);
    for (const connection of this.subscribers) {
      const subscribed = connection.context.subscriptions;
      // Internal events (revocations, cache hints) are never notifications, not even on '*'.
      if (!subscribed || !followed(subscribed, event) || !visibleTo(connection.user, event) || !this.inGoodStanding(connection)) continue;
      // A client that does not read gets its notifications dropped, never the server's memory.
      if (connection.socket.bufferedAmount > SLOW_READER_BYTES) {
        connection.dropped++;
        continue;
      }
      connection.socket.send(JSON.stringify({ jsonrpc: '2.0', method: 'notification', params: { event: event.name, data: event.payload } }));
      this.activity.record(connection.sessionId, { sent: 1 });
    }
  }

  private async spendKey(keyId: string): Promise<JsonRpcErrorObject | undefined> {
    const state = await this.apiKeys.spendFor(keyId);
    return state ? { code: RATE_LIMITED.code, message: API_KEY_LIMIT_EXCEEDED, data: { code: 'RATE_LIMIT_EXCEEDED', retryAfter: state.retryAfter } } : undefined;
  }

  /** A task ended (on any instance): the MCP client on the connection that started it hears it. */
  private tellTaskStatus(event: EventEnvelope<'tool.executed'>): void {
    const connection = event.payload.sessionId ? this.bySession.get(event.payload.sessionId) : undefined;
    if (!connection || (connection.context.protocolVersion ?? '') < TASKS_SINCE) return;
    this.tasks.statusNotification(event.payload.executionId).then(
      (notification) => {
        if (notification) this.notify(connection.socket, notification.method as string, notification.params as Record<string, unknown>);
      },
      (error: Error) => this.logger.warn(`notifications/tasks/status not sent: ${error.message}`),
    );
  }

  /** The connection's own session, or the login session its token belongs to, has ended. */
  private closeTerminated(event: EventEnvelope<'session.terminated'>): void {
    for (const connection of this.connections.values()) {
      if (connection.sessionId === event.payload.sessionId || connection.user.sessionId === event.payload.sessionId) {
        closeForPolicy(connection.socket, `session terminated: ${event.payload.reason}`);
      }
    }
  }

  /**
   * A connection keeps the rights it was opened with only while its credential would still be
   * accepted with the same rights: the event may come from any instance (Redis fans them out).
   */
  private recheckAffected(event: EventEnvelope): void {
    if (!REVOKING_EVENTS.has(event.name)) return;
    for (const connection of this.connections.values()) {
      if (mayRevoke(connection.user, event)) connection.checked = this.recheck(connection);
    }
  }

  private async recheck(connection: Connection): Promise<void> {
    connection.checking++;
    try {
      const { reason, now } = await recheckCredential(this.verifier, connection.user, connection.authorization, connection.context.origin.ipAddress);
      connection.disarm();
      if (reason !== null) closeForPolicy(connection.socket, reason);
      // Its expiry may have moved (a key rotated with a grace period): the check is due then.
      else if (now && this.connections.has(connection.socket)) connection.disarm = atExpiry(now, () => (connection.checked = this.recheck(connection)));
    } finally {
      connection.checking--;
    }
  }

  /** Open, and not waiting to learn whether its rights were taken away. */
  private inGoodStanding(connection: Connection): boolean {
    return connection.checking === 0 && connection.socket.readyState === connection.socket.OPEN;
  }



  private beat(): void {
    for (const connection of this.connections.values()) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }
}
