import { RateLimiter, rateLimitExceeded } from '@app/security';
import { RunQuotas } from '@app/tools';
import { Injectable } from '@nestjs/common';
import { type Membership, OrganizationMemberships } from './organization-memberships';

const DAY_MS = 86_400_000;

/**
 * Organizations' plans on runs (`dailyToolRuns`), counted per organization and UTC day in the
 * shared rate-limit store. A user whose membership is known here and carries no such quota (in no
 * organization, or one without it) costs a map lookup and no promise.
 */
@Injectable()
export class OrganizationQuotas extends RunQuotas {
  constructor(
    private readonly memberships: OrganizationMemberships,
    private readonly limiter: RateLimiter,
  ) {
    super();
  }

  admit(userId: string): Promise<void> | undefined {
    const membership = this.memberships.membershipOf(userId);
    if (membership instanceof Promise) return membership.then((read) => this.count(read));
    return membership?.dailyToolRuns ? this.count(membership) : undefined;
  }

  private async count(membership: Membership | null): Promise<void> {
    const limit = membership?.dailyToolRuns;
    if (!membership || !limit) return;
    const now = Date.now();
    const day = Math.floor(now / DAY_MS);
    const untilMidnight = Math.max(1, Math.ceil(((day + 1) * DAY_MS - now) / 1000));
    const state = await this.limiter.consume(`org-runs:${membership.organizationId}:${day}`, { limit, windowSeconds: untilMidnight });
    if (!state.allowed) throw rateLimitExceeded(state, `Your organization's plan allows ${limit} tool runs a day, counted again from midnight UTC`);
  }
}
