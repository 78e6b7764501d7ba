import { ApiError } from '@app/common';
import { endWhenSettled, mcpSpanName } from '@app/health';
import { Logger } from '@nestjs/common';
import type { Attributes } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  type CallToolResult,
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ErrorCode,
  LoggingMessageNotificationSchema,
  McpError,
  ResourceUpdatedNotificationSchema,
  type Tool as McpTool,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { type ClientRequestMethod, ClientRequestError, type ProgressUpdate, type ToolDefinition, ToolFailure, type ToolCategory, type ToolLogMessage, type ToolRateLimit, type ToolRunContext } from '../tool.types';
import { CallerRouting } from './caller-routing';
import { CircuitBreaker } from './circuit-breaker';
import { type CredentialScanMode, scanCredentials } from './credential-scan';
import { listAllPrompts, listAllResources } from './paging';
import { MASK, secretScrubber } from './secret-scrubber';
import { safeIcons } from './upstream-icons';
import type { ConfirmTools, StoredTransport } from './upstream-server.entity';
import { UpstreamCredentials, type UpstreamAuthSettings } from './upstream-auth';
import { type ClientSpanStarter, errorOutcome, peerAttributes } from './upstream-tracing';
import { WebSocketClientTransport } from './websocket-client-transport';
import { socketTlsOptions, tlsDispatcher } from './upstream-tls';
import type { Agent } from 'undici';

export type ConnectionStatus = 'disconnected' | 'connecting' | 'connected' | 'error';

/** What a connection tells whoever watches it: a settled status that changed, or its circuit opening or closing. */
export type ConnectionChange =
  | { readonly kind: 'status'; readonly status: 'connected' | 'disconnected' | 'error'; readonly error: string | null; readonly tools: number }
  | { readonly kind: 'circuit'; readonly state: 'open' | 'closed'; readonly failures: number; readonly error: string | null; readonly cooldownMs: number };

/**
 * The transport failed (fetch, an HTTP status, a write) and no JSON-RPC answer came; not an error
 * answer (McpError), nor an answer that came but did not parse (ZodError).
 */
function transportFailure(error: unknown): boolean {
  return !(error instanceof McpError) && !(error instanceof Error && error.name === 'ZodError');
}

/** A call that got no answer: the connection broke or the transport failed on the way (a 502). Another copy may take it again. */
export class CallLost extends ApiError {
  constructor(message: string) {
    super(502, 'BAD_GATEWAY', message);
  }
}

/** Everything a connection needs to know, with secrets already unsealed. */
export interface UpstreamSettings {
  readonly id: string;
  readonly name: string;
  readonly transport: StoredTransport;
  /** Every endpoint of the server (its url and its replicas' urls), whichever one this copy uses. */
  readonly endpoints?: readonly string[];
  readonly connectMs: number;
  readonly requestMs: number;
  readonly healthIntervalMs: number;
  /** Zero: no pings. */
  readonly healthTimeoutMs: number;
  readonly category: ToolCategory;
  readonly rateLimits?: readonly ToolRateLimit[];
  /** The server's tags, which its tools carry too. */
  readonly tags?: readonly string[];
  readonly auth?: UpstreamAuthSettings;
  /** What happens to credentials in its answers (off when absent), and who hears of one found. */
  readonly credentialScan?: CredentialScanMode;
  readonly credentialsFound?: (report: CredentialReport) => void;
  /** Which of its tools a person must allow, run by run (never when absent). */
  readonly confirmTools?: ConfirmTools;
  /** What its tools require besides UPSTREAM_TOOL_PERMISSIONS. */
  readonly permissions?: readonly string[];
  /** Results the gateway keeps (see ToolDefinition.cacheTtlMs). */
  readonly cache?: { readonly ttlSeconds: number; readonly tools?: readonly string[] };
  /** Values beyond the transport's and the auth's to mask wherever they would show (a user's own configuration). */
  readonly secrets?: readonly string[];
  /**
   * For a server that takes each user's own configuration: sends a run's call on the connection
   * for its caller (theirs, or undefined for this one), or refuses it.
   */
  readonly viaCaller?: (run: ToolRunContext, send: (connection: UpstreamConnection | undefined) => Promise<unknown>) => Promise<unknown>;
  /** Told of changes an operator wants to hear about (the server's shared connection only). */
  readonly changed?: (change: ConnectionChange) => void;
  /** Which copy of a replicated server this connection is (its logs say so); absent: the only one. */
  readonly replica?: number;
  /** Called at every change of status, told or not (a replicated server's pool sums its copies up). */
  readonly observe?: () => void;
}

/** Credentials found in an upstream's answer: where (a tool's run, a resource, a prompt), which kinds, and whether the answer was withheld. */
export interface CredentialReport {
  readonly userId?: string;
  readonly tool?: string;
  readonly executionId?: string;
  readonly uri?: string;
  readonly prompt?: string;
  readonly kinds: readonly string[];
  readonly refused: boolean;
}

/**
 * What every upstream tool requires. It is also what a caller needs to reach an upstream's
 * resources, prompts and completions through the MCP door: whoever may not run its tools gets none of them.
 */
export const UPSTREAM_TOOL_PERMISSIONS: readonly string[] = ['execute:tools'];

/**
 * Whether a person must allow each run of the tool: under `destructive`, every tool MCP reads as
 * possibly destructive (not read-only, and not said to be non-destructive; no annotations at all
 * counts as destructive, as the protocol's defaults say).
 */
export function needsConfirmation(tool: McpTool, mode: ConfirmTools | undefined): boolean {
  if (mode === 'always') return true;
  if (mode !== 'destructive') return false;
  return tool.annotations?.readOnlyHint !== true && tool.annotations?.destructiveHint !== false;
}

/** A tool that can only run as an MCP task: this gateway has no task support, so it cannot serve it. */
export function requiresTask(tool: McpTool): boolean {
  return tool.execution?.taskSupport === 'required';
}

/** A tool whose results the gateway keeps: one the server's cache names, or else one the upstream says only reads. */
export function cachedTool(tool: McpTool, cache: NonNullable<UpstreamSettings['cache']>): boolean {
  return cache.tools ? cache.tools.includes(tool.name) : tool.annotations?.readOnlyHint === true;
}

const MAX_BACKOFF_MS = 30_000;
const BASE_BACKOFF_MS = 500;
const MAX_TOOL_PAGES = 100;
const HEALTH_FAILURES_BEFORE_RECONNECT = 3;
const HEALTH_CHECK_ERROR = 'health check: ';
const STDERR_LINE_LIMIT = 2_000;

/**
 * One upstream MCP server as seen from this instance: the SDK client over stdio, Streamable HTTP
 * or SSE, the tools it serves, its health and its circuit. A connection that drops unasked is
 * re-established with exponential back-off (for stdio this restarts the child process).
 */
export class UpstreamConnection {
  private readonly logger: Logger;
  readonly breaker: CircuitBreaker;
  private current: ConnectionStatus = 'disconnected';
  /** The last settled status told to `changed` (none yet: a new connection is disconnected without saying so). */
  private told?: ConnectionStatus;
  /** Replaced by a new connection to the same server: its end is no news. */
  private quiet = false;
  lastError: string | null = null;
  lastConnectedAt: Date | null = null;
  tools: McpTool[] = [];
  resources = 0;
  prompts = 0;
  /** The server accepts resources/subscribe. */
  subscribable = false;
  /** Tool calls sent and not yet answered, and all sent, on this connection. */
  inFlight = 0;
  calls = 0;
  /** Resources this instance is subscribed to; subscribed again after a reconnect. */
  private readonly subscribed = new Set<string>();
  private client?: Client;
  private transport?: Transport;
  /** How fetch reaches a server with TLS settings of its own (a private CA, a client certificate); made per connect. */
  private dispatcher?: Agent;
  /** The same, for its OAuth token endpoint when that is on the server itself; kept until disconnected. */
  private tokenDispatcher?: Agent;
  private wanted = false;
  private attempt = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private healthTimer?: NodeJS.Timeout;
  private healthFailures = 0;
  private pinging = false;
  private connecting?: Promise<void>;
  /** Which caller the upstream's own messages (logs, sampling, elicitation) are for. */
  private readonly routing: CallerRouting;
  /** Masks the server's env and header values in any text we keep, log or answer. */
  readonly scrub: (text: string) => string;
  private readonly credentials: UpstreamCredentials;
  // The client span of the request being sent: its traceparent goes in the HTTP header too.
  private readonly traceScope = new AsyncLocalStorage<string>();
  private readonly peer: Attributes;

  constructor(
    readonly settings: UpstreamSettings,
    private readonly version: string,
    breaker: { threshold: number; cooldownMs: number },
    private readonly publishTools: (definitions: ToolDefinition[], reason: string) => void,
    private readonly resourceUpdated: (uri: string) => void = () => undefined,
    private readonly startClientSpan: ClientSpanStarter = () => undefined,
  ) {
    this.logger = new Logger(`Upstream:${settings.name}${settings.replica === undefined ? '' : `#${settings.replica}`}`);
    this.breaker = new CircuitBreaker(settings.name, breaker.threshold, breaker.cooldownMs, Date.now, (state) => {
      const { failures, lastError } = this.breaker.snapshot();
      this.settings.changed?.({ kind: 'circuit', state, failures, error: lastError, cooldownMs: breaker.cooldownMs });
    });
    this.routing = new CallerRouting(settings.transport.type === 'streamable-http');
    this.credentials = new UpstreamCredentials(settings.auth, this.tokenFetch());
    this.peer = peerAttributes(settings.name, settings.transport);
    const authSecrets = settings.auth?.type === 'api_key' ? [settings.auth.key] : settings.auth?.type === 'oauth2' ? [settings.auth.clientSecret] : [];
    const tlsSecrets = [settings.transport.tls?.key, settings.transport.tls?.passphrase].filter((value) => value !== undefined);
    this.scrub = secretScrubber([...Object.values(settings.transport.env ?? {}), ...Object.values(settings.transport.headers ?? {}), ...authSecrets, ...tlsSecrets, ...(settings.secrets ?? [])], MASK);
  }

  get status(): ConnectionStatus {
    return this.current;
  }

  /**
   * Set after lastError, so that what is told carries the reason. Once disconnected on purpose,
   * a connection still finishing (or failing) its opening has nothing to tell.
   */
  set status(next: ConnectionStatus) {
    this.current = next;
    this.settings.observe?.();
    if (this.quiet || next === 'connecting' || next === this.told || (this.told === undefined && next === 'disconnected') || (!this.wanted && next !== 'disconnected')) return;
    this.told = next;
    this.settings.changed?.({ kind: 'status', status: next, error: next === 'error' ? this.lastError : null, tools: this.tools.length });
  }

  /** This connection is being replaced (new settings, or another instance's word): returns what it last told, and tells nothing more. */
  handOver(): ConnectionStatus | undefined {
    this.quiet = true;
    return this.told;
  }

  /** A replacement starts from what its predecessor told: reconnecting to the same state is no news. */
  continueFrom(told: ConnectionStatus | undefined): void {
    this.told = told;
  }

  get pid(): number | null {
    return this.transport instanceof StdioClientTransport ? this.transport.pid : null;
  }

  /** Connects (or reconnects); rejects with the reason when the server cannot be reached. */
  connect(): Promise<void> {
    this.wanted = true;
    clearTimeout(this.reconnectTimer);
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  async disconnect(): Promise<void> {
    this.wanted = false;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.healthTimer);
    await this.closeClient();
    await this.tokenDispatcher?.destroy().catch(() => undefined);
    this.tokenDispatcher = undefined;
    this.status = 'disconnected';
    this.publishTools([], 'upstream disconnected');
  }

  async call(toolName: string, input: Record<string, unknown>, run: ToolRunContext): Promise<unknown> {
    const { signal, progress } = run;
    const probe = this.breaker.guard();
    const client = this.client;
    if (!client || this.status !== 'connected') {
      this.breaker.failed('not connected');
      throw new ApiError(503, 'SERVICE_UNAVAILABLE', `Upstream '${this.settings.name}' is not connected${this.lastError ? `: ${this.lastError}` : ''}`, {
        details: [{ field: 'server', message: this.settings.name, code: 'SERVER_DISCONNECTED' }],
      });
    }
    let result: CallToolResult;
    this.inFlight++;
    this.calls++;
    try {
      // With onprogress the SDK sends the upstream a progress token of its own and hands us its notifications.
      const onprogress = progress
        ? (update: ProgressUpdate) => {
            const message = update.message === undefined ? undefined : this.guardNotice(update.message, { userId: run.caller.id, tool: toolName, executionId: run.executionId });
            progress({ progress: update.progress, total: update.total, message: message ?? undefined });
          }
        : undefined;
      result = await this.traced(
        'tools/call',
        toolName,
        run.traceparent,
        { 'gen_ai.tool.name': toolName, 'gen_ai.operation.name': 'execute_tool' },
        (traceparent) => {
          const params = traceparent ? { name: toolName, arguments: input, _meta: { traceparent } } : { name: toolName, arguments: input };
          return this.routing.run(run, async () => (await client.callTool(params, undefined, { signal, timeout: this.settings.requestMs, onprogress })) as CallToolResult);
        },
        (answer) => (answer.isError ? 'tool_error' : undefined),
      );
    } catch (error) {
      // Our own cancellation (timeout, shutdown) says nothing about the upstream: no verdict, but a
      // probe that ends this way must free its slot, or the circuit would stay half-open and refuse all.
      if (signal.aborted) {
        this.breaker.abandoned(probe);
        throw signal.reason;
      }
      const reason = this.describe(error);
      this.breaker.failed(reason);
      // -32000 is also a common code of error answers: closed only if the connection really went.
      const closed = error instanceof McpError && error.code === ErrorCode.ConnectionClosed && this.client !== client;
      const message = `Upstream '${this.settings.name}' ${closed ? 'closed the connection during the call' : `failed: ${reason}`}`;
      throw closed || transportFailure(error) ? new CallLost(message) : new ApiError(502, 'BAD_GATEWAY', message);
    } finally {
      this.inFlight--;
    }
    this.breaker.succeeded();
    const answer = this.guard(result, { userId: run.caller.id, tool: toolName, executionId: run.executionId });
    if (answer.isError) throw new ToolFailure('UPSTREAM_TOOL_ERROR', this.textOf(answer) || 'the upstream tool reported an error', answer);
    return answer;
  }

  /**
   * A notice the upstream sends during a call (a log message, a progress message), relayed to the
   * caller as `credentialScan` says: as it is, masked, or (refuse) not at all: undefined.
   */
  private guardNotice<T>(notice: T, where: Omit<CredentialReport, 'kinds' | 'refused'>): T | undefined {
    try {
      return this.guard(notice, where);
    } catch {
      return undefined;
    }
  }

  /**
   * An answer of the upstream as the server's `credentialScan` says: as it is (off), with the
   * credentials in it masked, or withheld (502). Whoever watches hears of every one found.
   */
  guard<T>(answer: T, where: Omit<CredentialReport, 'kinds' | 'refused'>): T {
    const mode = this.settings.credentialScan;
    if (!mode || mode === 'off') return answer;
    const { value, found } = scanCredentials(answer);
    if (found.length === 0) return answer;
    this.settings.credentialsFound?.({ ...where, kinds: found, refused: mode === 'refuse' });
    if (mode === 'refuse') throw new ApiError(502, 'BAD_GATEWAY', `Upstream '${this.settings.name}' answered with credentials (${found.join(', ')}): the answer was withheld`);
    return value as T;
  }

  /**
   * A request to the upstream on behalf of work traced as `parent`: a client span of it (named as
   * OpenTelemetry names MCP requests), which the upstream continues from `_meta.traceparent` and,
   * over HTTP, the `traceparent` header. Untraced work (`parent` undefined) is sent as it is.
   */
  traced<T>(method: string, target: string | undefined, parent: string | undefined, attributes: Attributes, send: (traceparent: string | undefined) => Promise<T>, failureOf?: (answer: T) => string | undefined): Promise<T> {
    const span = parent === undefined ? undefined : this.startClientSpan(mcpSpanName(method, target), parent, { 'mcp.method.name': method, ...this.peer, ...attributes });
    if (!span) return send(parent);
    return endWhenSettled(span, this.traceScope.run(span.traceparent, () => send(span.traceparent)), errorOutcome, (answer) => {
      const failure = failureOf?.(answer);
      return failure ? { errorType: failure, errorMessage: `the upstream answered with an error (${failure})` } : {};
    });
  }

  /** Subscribes this instance to a resource's updates (kept across reconnects). */
  async subscribe(uri: string): Promise<void> {
    const client = this.connectedClient();
    if (!client || !this.subscribable) throw new ApiError(400, 'VALIDATION_ERROR', `Upstream '${this.settings.name}' does not offer resource subscriptions`);
    if (this.subscribed.has(uri)) return;
    await client.subscribeResource({ uri });
    this.subscribed.add(uri);
  }

  async unsubscribe(uri: string): Promise<void> {
    if (!this.subscribed.delete(uri)) return;
    await this.connectedClient()
      ?.unsubscribeResource({ uri })
      .catch((error: unknown) => this.logger.warn(`unsubscribing from ${uri} failed: ${this.describe(error)}`));
  }

  /** The upstream's MCP client while connected (resources and prompts are proxied through it). */
  connectedClient(): Client | undefined {
    return this.status === 'connected' ? this.client : undefined;
  }

  private async open(): Promise<void> {
    await this.closeClient();
    this.status = 'connecting';
    // Sampling and elicitation are offered on behalf of the callers: each request goes to the
    // caller whose call it belongs to, and is refused when that caller's client cannot answer it.
    const client = new Client({ name: 'secure-mcp-gateway', version: this.version }, { capabilities: { sampling: {}, elicitation: { form: {}, url: {} } } });
    const transport = this.createTransport();
    client.onclose = () => this.closed(client);
    client.onerror = (error: Error) => this.logger.debug(`transport: ${this.describe(error)}`);
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      void this.refreshTools('tools/list_changed').catch((error: unknown) => this.logger.warn(`re-listing tools failed: ${this.describe(error)}`));
    });
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
      if (this.subscribed.has(notification.params.uri)) this.resourceUpdated(notification.params.uri);
    });
    client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
      const call = this.routing.exact ? this.routing.callForLog(notification.params) : undefined;
      if (call?.log) {
        const relayed = this.guardNotice(notification.params as ToolLogMessage, { userId: call.caller.id, executionId: call.executionId });
        if (relayed) call.log(relayed);
        return;
      }
      // Not the caller's: our own log, where credentials are masked too when the server asks for scanning.
      const data = this.settings.credentialScan && this.settings.credentialScan !== 'off' ? scanCredentials(notification.params.data).value : notification.params.data;
      this.logger.debug(`log (${notification.params.level}): ${this.scrub(JSON.stringify(data) ?? '').slice(0, 500)}`);
    });
    client.setRequestHandler(CreateMessageRequestSchema, (request, extra) => this.relay('sampling/createMessage', request.params, extra) as never);
    client.setRequestHandler(ElicitRequestSchema, (request, extra) => this.relay('elicitation/create', request.params, extra) as never);
    this.client = client;
    this.transport = transport;
    try {
      await client.connect(transport, { timeout: this.settings.connectMs });
      await this.refreshTools('connected');
      const capabilities = client.getServerCapabilities() ?? {};
      this.resources = capabilities.resources ? (await listAllResources(client, this.settings.requestMs).catch(() => [])).length : 0;
      this.prompts = capabilities.prompts ? (await listAllPrompts(client, this.settings.requestMs).catch(() => [])).length : 0;
      this.subscribable = capabilities.resources?.subscribe === true;
      if (this.subscribable) await Promise.all([...this.subscribed].map((uri) => client.subscribeResource({ uri }).catch((error: unknown) => this.logger.warn(`re-subscribing to ${uri} failed: ${this.describe(error)}`))));
    } catch (error) {
      this.lastError = this.describe(error);
      this.status = 'error';
      await this.closeClient();
      this.scheduleReconnect();
      throw new ApiError(502, 'BAD_GATEWAY', `Could not connect to upstream '${this.settings.name}': ${this.lastError}`);
    }
    this.lastError = null;
    this.status = 'connected';
    this.lastConnectedAt = new Date();
    this.attempt = 0;
    this.breaker.succeeded();
    this.startHealthChecks();
    this.logger.log(`connected: ${this.tools.length} tools, ${this.resources} resources, ${this.prompts} prompts`);
  }

  private createTransport(): Transport {
    const config = this.settings.transport;
    if (config.type === 'stdio') {
      const transport = new StdioClientTransport({ command: config.command as string, args: config.args ?? [], env: config.env, cwd: config.cwd, stderr: 'pipe' });
      let buffered = '';
      transport.stderr?.on('data', (chunk: Buffer) => {
        buffered = (buffered + chunk.toString()).slice(-STDERR_LINE_LIMIT);
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line.trim() !== '') this.logger.log(`stderr: ${this.scrub(line).slice(0, 500)}`);
      });
      return transport;
    }
    if (config.type === 'websocket') return new WebSocketClientTransport(new URL(config.url as string), async () => ({ ...config.headers, ...(await this.credentials.headers()) }), socketTlsOptions(config.tls));
    // This transport's own: a request it still sends after it was replaced goes with its settings or fails, never without them.
    const dispatcher = config.tls ? tlsDispatcher(config.tls) : undefined;
    this.dispatcher = dispatcher;
    const requestInit = { headers: config.headers ?? {} };
    if (config.type === 'sse') return new SSEClientTransport(new URL(config.url as string), { requestInit, fetch: (url, init) => this.authorizedFetch(url, init, dispatcher) });
    // Our fetch: a call's response stream is read on its way to the SDK, to route what it carries.
    const routedFetch = async (url: string | URL, init?: RequestInit): Promise<Response> => this.routing.route(await this.authorizedFetch(url, init, dispatcher), this.routing.current());
    return new StreamableHTTPClientTransport(new URL(config.url as string), { requestInit, fetch: routedFetch });
  }

  /**
   * How OAuth tokens are fetched: with the server's TLS settings when the token endpoint is on the
   * server itself (its private CA, its client certificate), else as any fetch (the public roots).
   */
  private tokenFetch(): typeof fetch {
    const { auth, transport } = this.settings;
    const tls = transport.tls;
    // A wss:// server's own https:// endpoint is the same host and port, over the same TLS.
    const origins = (this.settings.endpoints ?? (transport.url === undefined ? [] : [transport.url])).map((endpoint) => new URL(endpoint.replace(/^ws(s?):/, 'http$1:')).origin);
    if (auth?.type !== 'oauth2' || !tls || !origins.includes(new URL(auth.tokenUrl).origin)) return fetch;
    return (url, init) => {
      this.tokenDispatcher ??= tlsDispatcher(tls);
      return fetch(url, { ...init, dispatcher: this.tokenDispatcher });
    };
  }

  /**
   * A request with the server's credentials; a 401 with an oauth2 token is tried once more with a
   * new token (the old one may have been revoked or have expired early).
   */
  private async authorizedFetch(url: string | URL, init: RequestInit | undefined, dispatcher: Agent | undefined): Promise<Response> {
    const traceparent = this.traceScope.getStore() ?? this.routing.current()?.traceparent;
    const send = async (): Promise<Response> => {
      const headers = new Headers(init?.headers);
      for (const [name, value] of Object.entries(await this.credentials.headers())) headers.set(name, value);
      if (traceparent) headers.set('traceparent', traceparent);
      return fetch(url, { ...init, headers, ...(dispatcher ? { dispatcher } : {}) });
    };
    const response = await send();
    if (response.status !== 401 || !this.credentials.renewable) return response;
    await response.body?.cancel();
    this.credentials.invalidate();
    return send();
  }

  /** An upstream's request to the client (sampling, elicitation), answered by the caller whose call it belongs to. */
  private async relay(method: ClientRequestMethod, params: Record<string, unknown>, extra: { readonly requestId: string | number; readonly signal: AbortSignal }): Promise<Record<string, unknown>> {
    const call = this.routing.callForRequest(extra.requestId);
    if (!call) throw new McpError(ErrorCode.InvalidRequest, `${method} is only answered during a tool call${this.routing.exact ? '' : ' (and, over this transport, while only one call is in flight)'}`);
    if (!call.ask) throw new McpError(ErrorCode.MethodNotFound, `The caller of this tool cannot answer ${method}: its client did not declare the capability, or its door cannot carry requests`);
    // What the upstream asks the caller's client (its model, its user) is scanned as its answers are.
    const asked = this.guardNotice(params, { userId: call.caller.id, executionId: call.executionId });
    if (!asked) throw new McpError(ErrorCode.InvalidParams, `${method} carried credentials, and this gateway withholds them`);
    try {
      return await call.ask(method, asked, AbortSignal.any([extra.signal, call.signal]));
    } catch (error) {
      if (error instanceof ClientRequestError) throw new McpError(error.code, error.message, error.data);
      throw new McpError(ErrorCode.InternalError, `${method} could not be relayed: ${this.describe(error)}`);
    }
  }

  /** Reads every page of the server's tools and hands them to the registry. */
  private async refreshTools(reason: string): Promise<void> {
    const client = this.client;
    if (!client) return;
    const tools: McpTool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      const answer = await client.listTools(cursor ? { cursor } : undefined, { timeout: this.settings.requestMs });
      tools.push(...answer.tools);
      cursor = answer.nextCursor;
      if (!cursor) break;
    }
    const needTasks = tools.filter(requiresTask);
    if (needTasks.length > 0) this.logger.warn(`not served (they require MCP tasks, which this gateway does not support): ${needTasks.map((tool) => tool.name).join(', ').slice(0, 1000)}`);
    this.tools = tools.filter((tool) => !requiresTask(tool));
    this.publishTools(this.tools.map((tool) => this.definitionOf(tool)), reason);
  }

  private definitionOf(tool: McpTool): ToolDefinition {
    const server = this.settings;
    const icons = safeIcons(tool.icons);
    return {
      id: `tool_${server.name}__${tool.name}`,
      name: `${server.name}__${tool.name}`,
      description: tool.description ?? tool.title ?? '',
      ...(tool.title ? { title: tool.title } : {}),
      ...(tool.annotations ? { annotations: tool.annotations } : {}),
      ...(icons ? { icons } : {}),
      version: this.client?.getServerVersion()?.version ?? '1.0.0',
      category: server.category,
      source: 'upstream',
      server: { id: server.id, name: server.name },
      inputSchema: tool.inputSchema as Record<string, unknown>,
      ...(tool.outputSchema ? { outputSchema: tool.outputSchema as Record<string, unknown> } : {}),
      permissions: server.permissions?.length ? [...UPSTREAM_TOOL_PERMISSIONS, ...server.permissions] : UPSTREAM_TOOL_PERMISSIONS,
      ...(server.rateLimits ? { rateLimits: server.rateLimits } : {}),
      ...(server.cache && cachedTool(tool, server.cache) ? { cacheTtlMs: server.cache.ttlSeconds * 1000 } : {}),
      ...(needsConfirmation(tool, server.confirmTools) ? { requiresConfirmation: true } : {}),
      ...(server.tags?.length ? { tags: server.tags } : {}),
      run: this.runnerOf(tool.name),
    };
  }

  private runnerOf(toolName: string): ToolDefinition['run'] {
    const viaCaller = this.settings.viaCaller;
    if (!viaCaller) return (input, context) => this.call(toolName, input, context);
    return (input, context) => viaCaller(context, (connection) => (connection ?? this).call(toolName, input, context));
  }

  private closed(client: Client): void {
    if (client !== this.client) return;
    clearInterval(this.healthTimer);
    this.client = undefined;
    this.tools = [];
    this.publishTools([], 'upstream connection closed');
    if (!this.wanted) {
      this.status = 'disconnected';
      return;
    }
    this.lastError = 'connection closed';
    this.status = 'error';
    this.logger.warn('connection closed unexpectedly; reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (!this.wanted) return;
    clearTimeout(this.reconnectTimer);
    const delay = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** this.attempt);
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      if (this.wanted && !this.connecting) void this.connect().catch(() => undefined);
    }, delay);
    this.reconnectTimer.unref();
  }

  private startHealthChecks(): void {
    clearInterval(this.healthTimer);
    this.healthFailures = 0;
    if (this.settings.healthTimeoutMs === 0) return;
    this.healthTimer = setInterval(() => void this.healthCheck(), this.settings.healthIntervalMs);
    this.healthTimer.unref();
  }

  private async healthCheck(): Promise<void> {
    const client = this.client;
    // One ping at a time; one that ends after its client was replaced says nothing of the new one.
    if (!client || this.pinging) return;
    this.pinging = true;
    try {
      await client.ping({ timeout: this.settings.healthTimeoutMs });
      if (client !== this.client) return;
      // Deliberately no breaker.succeeded(): a server can answer pings while its tool calls fail
      // (the circuit counts call failures), so only a real call, the half-open probe, closes it.
      this.healthFailures = 0;
      // Answering again, it has no health-check failure to show (nor to count as one later).
      if (this.lastError?.startsWith(HEALTH_CHECK_ERROR)) this.lastError = null;
    } catch (error) {
      if (client === this.client) await this.pingFailed(error);
    } finally {
      this.pinging = false;
    }
  }

  private async pingFailed(error: unknown): Promise<void> {
    this.healthFailures++;
    this.lastError = `${HEALTH_CHECK_ERROR}${this.describe(error)}`;
    this.breaker.failed(this.lastError);
    if (this.healthFailures < HEALTH_FAILURES_BEFORE_RECONNECT) return;
    this.logger.warn(`${this.healthFailures} failed health checks; reconnecting`);
    await this.closeClient();
    this.status = 'error';
    this.scheduleReconnect();
  }

  private async closeClient(): Promise<void> {
    const client = this.client;
    const dispatcher = this.dispatcher;
    this.client = undefined;
    this.transport = undefined;
    this.dispatcher = undefined;
    if (client) await client.close().catch(() => undefined);
    // Its sockets: a client certificate's connections end with the client.
    await dispatcher?.destroy().catch(() => undefined);
  }

  /** An error as text we may keep, log and answer: the server's secret values masked. */
  private describe(error: unknown): string {
    if (error instanceof McpError) return this.scrub(error.message.replace(/^MCP error -?\d+: /, ''));
    if (!(error instanceof Error)) return this.scrub(String(error));
    // fetch says only "fetch failed"; why (ECONNREFUSED, a certificate, DNS) is in its cause.
    const cause = (error as Error & { cause?: unknown }).cause;
    const why = cause instanceof Error && cause.message && !error.message.includes(cause.message) ? ` (${cause.message})` : '';
    return this.scrub(`${error.message}${why}`);
  }

  private textOf(result: CallToolResult): string {
    return result.content
      .filter((part): part is { type: 'text'; text: string } => part.type === 'text')
      .map((part) => part.text)
      .join('\n')
      .slice(0, 2000);
  }
}
