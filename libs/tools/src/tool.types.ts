import type { AuthenticatedUser } from '@app/security';

export type ToolCategory = 'system' | 'data' | 'analytics' | 'monitoring';
export type JsonSchema = Record<string, unknown>;

/** How far a run has come (MCP's progress notification, without its token). */
export interface ProgressUpdate {
  readonly progress: number;
  readonly total?: number;
  readonly message?: string;
}

export interface ToolRunContext {
  /** Aborted on timeout, cancellation or shutdown: tools must stop their work when it fires. */
  readonly signal: AbortSignal;
  readonly caller: AuthenticatedUser;
  readonly executionId: string;
  /** Present when the caller asked for progress; calls after the run ended are dropped. */
  readonly progress?: (update: ProgressUpdate) => void;
}

/** A failure inside the tool (file missing, upstream error result): the run ends `failed`. */
export class ToolFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly result?: unknown,
  ) {
    super(message);
    this.name = 'ToolFailure';
  }
}

export interface ToolDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly version: string;
  readonly category: ToolCategory;
  readonly source: 'builtin' | 'upstream';
  readonly server?: { readonly id: string; readonly name: string };
  readonly inputSchema: JsonSchema;
  readonly outputSchema?: JsonSchema;
  /** Held by every caller who may see and run the tool. */
  readonly permissions: readonly string[];
  /** Further permissions for particular values of the `operation` parameter. */
  readonly operationPermissions?: Readonly<Record<string, readonly string[]>>;
  readonly rateLimit?: { readonly requests: number; readonly window: string };
  readonly examples?: ReadonlyArray<{ readonly name: string; readonly input: Record<string, unknown>; readonly output?: Record<string, unknown> }>;
  /** Input properties whose values never reach the audit log or the run history. */
  readonly secretFields?: readonly string[];
  /** Transient failures (an upstream hiccup) may be retried by a context's retry policy. */
  run(input: Record<string, unknown>, context: ToolRunContext): Promise<unknown>;
}
