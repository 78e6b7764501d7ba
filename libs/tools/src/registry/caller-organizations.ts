/**
 * How the tools lib learns which organization a caller is in (servers may be kept to some
 * organizations) without depending on the lib that keeps them: that lib binds the implementation.
 * Unbound, nobody is in an organization, so a server kept to some is for admins only.
 */
export abstract class CallerOrganizations {
  /** The user's organization, or null; answered without a promise when it is known here. */
  abstract organizationOf(userId: string): string | null | Promise<string | null>;

  /** Which of these ids name no organization. */
  abstract unknownAmong(ids: readonly string[]): Promise<string[]>;
}
