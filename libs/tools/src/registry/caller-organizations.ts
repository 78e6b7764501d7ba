import { ApiError, type ErrorDetail } from '@app/common';

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

/** Every organization an admin names must exist (a typo would keep a server or tool from everyone it was meant for): a 400 per unknown one. */
export async function checkOrganizationsExist(named: readonly string[] | null | undefined, organizations: CallerOrganizations | undefined): Promise<void> {
  if (!named || named.length === 0) return;
  const lowered = named.map((id) => id.toLowerCase());
  const unknown = new Set(organizations ? await organizations.unknownAmong(lowered) : lowered);
  const problems: ErrorDetail[] = named.flatMap((id, index) => (unknown.has(id.toLowerCase()) ? [{ field: `organizations[${index}]`, message: `no organization ${id}`, code: 'UNKNOWN_ORGANIZATION' }] : []));
  if (problems.length > 0) throw ApiError.validation('Unknown organizations', problems);
}
