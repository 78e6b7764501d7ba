import type { AuthenticatedUser } from '@app/security';

/** What a context decides about runs made in it. */
export interface RunPolicy {
  readonly contextId: string;
  /** Tool ids the run may use. */
  readonly allowedToolIds: ReadonlySet<string>;
  /** Caps the run's timeout. */
  readonly maxExecutionTimeMs?: number;
  readonly retry?: { readonly maxRetries: number; readonly backoffMultiplier: number };
}

/**
 * How the engine learns a context's rules without depending on the contexts lib (which depends on
 * tools): contexts binds the implementation. Unbound, runs carry no context rules.
 */
export abstract class RunPolicies {
  /** The policy of a context the caller may use; throws 404 (not theirs) or 412 (archived). */
  abstract forContext(caller: AuthenticatedUser, contextId: string): Promise<RunPolicy>;
}
