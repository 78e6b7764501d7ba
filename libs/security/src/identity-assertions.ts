import type { AuthenticatedUser } from './authenticated-user';

/** What an assertion of a caller's identity is for: the service it goes to, and the run it is part of. */
export interface AssertionPurpose {
  /** The receiving service (its `aud`): it must refuse an assertion made for another. */
  readonly audience: string;
  readonly tool: string;
  readonly executionId: string;
}

/**
 * Short-lived signed statements of who a caller is, for the services a tool calls on their behalf,
 * which check them with the gateway's published keys (`/.well-known/jwks.json`). Identity binds it.
 */
export abstract class IdentityAssertions {
  abstract assert(caller: AuthenticatedUser, purpose: AssertionPurpose): string;
}
