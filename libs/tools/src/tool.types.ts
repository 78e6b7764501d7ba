import type { AuthenticatedUser } from '@app/security';
import type { Icon } from '@modelcontextprotocol/sdk/types.js';

export type ToolCategory = 'system' | 'data' | 'analytics' | 'monitoring';
export type JsonSchema = Record<string, unknown>;

/** How far a run has come (MCP's progress notification, without its token). */
export interface ProgressUpdate {
  readonly progress: number;
  readonly total?: number;
  readonly message?: string;
}

/** MCP's log levels, least severe first (RFC 5424 severities). */
export const LOG_LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A tool's log message: the params of MCP's `notifications/message`. */
export interface ToolLogMessage {
  readonly level: LogLevel;
  readonly logger?: string;
  readonly data: unknown;
}

/** `requests` runs in `window`, for each caller or for every caller of the tool's server together. */
export interface ToolRateLimit {
  readonly requests: number;
  readonly window: string;
  readonly scope: 'caller' | 'server';
}

/** What a tool may ask of the caller's client while it runs. */
export type ClientRequestMethod = 'sampling/createMessage' | 'elicitation/create';

/** The client answered a request with an error, or could not be asked at all. */
export class ClientRequestError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'ClientRequestError';
  }
}

/** A door's way to cancel a run it started (MCP `notifications/cancelled`). */
export interface RunCancellation {
  /** The engine's hook: called at once if the run was already cancelled. */
  onCancel(listener: (reason: string) => void): void;
}

/**
 * What the caller's door can carry back while a tool runs: progress, the tool's log messages and
 * the tool's requests to the client (MCP sampling and elicitation). Each is absent when the door or
 * the client cannot take it.
 */
export interface CallerChannel {
  readonly progress?: (update: ProgressUpdate) => void;
  readonly log?: (message: ToolLogMessage) => void;
  /** The client's result; rejects with ClientRequestError when it refuses, or when `signal` fires. */
  readonly ask?: (method: ClientRequestMethod, params: Record<string, unknown>, signal: AbortSignal) => Promise<Record<string, unknown>>;
  /** Why the client would refuse such a request (what it did not declare), known without asking; undefined when it would take it. */
  readonly refuses?: (method: ClientRequestMethod, params: Record<string, unknown>) => string | undefined;
  /** The caller may cancel the run: it then ends `failed` with code CANCELLED, and the tool's signal fires. */
  readonly cancellation?: RunCancellation;
}

export interface ToolRunContext extends CallerChannel {
  /** Aborted on timeout, cancellation or shutdown: tools must stop their work when it fires. */
  readonly signal: AbortSignal;
  readonly caller: AuthenticatedUser;
  readonly executionId: string;
  /** The W3C trace context of the run's span when runs are traced: what the tool calls continues the trace. */
  readonly traceparent?: string;
}

/**
 * A failure inside the tool (file missing, upstream error result): the run ends `failed`.
 * `transient`: trying again may succeed, so a context's retry policy does.
 */
export class ToolFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly result?: unknown,
    readonly transient = false,
  ) {
    super(message);
    this.name = 'ToolFailure';
  }
}

export interface ToolDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** A display name (an upstream tool's own `title`). */
  readonly title?: string;
  /** MCP tool annotations (hints such as `readOnlyHint`), passed on as the upstream gave them. */
  readonly annotations?: Readonly<Record<string, unknown>>;
  /** An upstream tool's icons, as safeIcons keeps them (MCP only; REST does not show them). */
  readonly icons?: readonly Icon[];
  readonly version: string;
  readonly category: ToolCategory;
  readonly source: 'builtin' | 'upstream' | 'http';
  readonly server?: { readonly id: string; readonly name: string };
  readonly inputSchema: JsonSchema;
  readonly outputSchema?: JsonSchema;
  /** Held by every caller who may see and run the tool. */
  readonly permissions: readonly string[];
  /** Further permissions for particular values of the `operation` parameter. */
  readonly operationPermissions?: Readonly<Record<string, readonly string[]>>;
  /** Limits on running it, each a budget of its own, shortest window first. */
  readonly rateLimits?: readonly ToolRateLimit[];
  /** How long the gateway keeps a completed result, per caller and arguments (upstream tools whose server asks for it). */
  readonly cacheTtlMs?: number;
  /** A person must allow each run, asked through the caller's client (elicitation), before it starts. */
  readonly requiresConfirmation?: boolean;
  /** Tags it comes with (an upstream tool: its server's); an admin's own tags for it come first. */
  readonly tags?: readonly string[];
  readonly examples?: ReadonlyArray<{ readonly name: string; readonly input: Record<string, unknown>; readonly output?: Record<string, unknown> }>;
  /** Input properties whose values never reach the audit log or the run history. */
  readonly secretFields?: readonly string[];
  /** Transient failures (an upstream hiccup) may be retried by a context's retry policy. */
  run(input: Record<string, unknown>, context: ToolRunContext): Promise<unknown>;
}
