import { EventBus } from '@app/events';
import { RateLimiter, rateLimitExceeded } from '@app/security';
import { RunQuotas } from '@app/tools';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';

declare module '@app/events' {
  interface EventMap {
    /** An organization's plan or membership changed: every instance reads its members' quotas afresh. */
    'organization.quotas.changed': { organizationId: string };
  }
}

/** A user's quota: their organization's runs a day. */
interface Quota {
  readonly organizationId: string;
  readonly dailyToolRuns: number;
}

const KNOWN_MAX = 50_000;
const DAY_MS = 86_400_000;

/**
 * Organizations' plans on runs (`dailyToolRuns`), counted per organization and UTC day in the
 * shared rate-limit store. Each user's quota is read once per instance and kept until a plan or a
 * membership changes anywhere; a user in no organization, or one without the quota, costs a map lookup.
 */
@Injectable()
export class OrganizationQuotas extends RunQuotas implements OnModuleInit, OnModuleDestroy {
  private readonly known = new Map<string, Quota | null>();
  /** Bumped by every change: a read that began before one is not kept. */
  private generation = 0;
  private unsubscribe?: () => void;

  constructor(
    private readonly dataSource: DataSource,
    private readonly limiter: RateLimiter,
    private readonly events: EventBus,
  ) {
    super();
  }

  onModuleInit(): void {
    this.unsubscribe = this.events.on('organization.quotas.changed', () => this.forget());
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  admit(userId: string): Promise<void> | undefined {
    const known = this.known.get(userId);
    if (known === null) return undefined;
    return this.count(userId, known);
  }

  /** Changes here take effect at once; the event tells the other instances. */
  forget(): void {
    this.generation++;
    this.known.clear();
  }

  private async count(userId: string, known: Quota | undefined): Promise<void> {
    const quota = known ?? (await this.load(userId));
    if (!quota) return;
    const now = Date.now();
    const day = Math.floor(now / DAY_MS);
    const untilMidnight = Math.max(1, Math.ceil(((day + 1) * DAY_MS - now) / 1000));
    const state = await this.limiter.consume(`org-runs:${quota.organizationId}:${day}`, { limit: quota.dailyToolRuns, windowSeconds: untilMidnight });
    if (!state.allowed) throw rateLimitExceeded(state, `Your organization's plan allows ${quota.dailyToolRuns} tool runs a day, counted again from midnight UTC`);
  }

  private async load(userId: string): Promise<Quota | null> {
    const generation = this.generation;
    const [row] = (await this.dataSource.query(
      `SELECT m.organization_id AS "organizationId", (o.plan->>'dailyToolRuns')::int AS "dailyToolRuns"
         FROM organization_members m JOIN organizations o ON o.id = m.organization_id WHERE m.user_id = $1`,
      [userId],
    )) as Array<{ organizationId: string; dailyToolRuns: number | null }>;
    const quota = row?.dailyToolRuns ? { organizationId: row.organizationId, dailyToolRuns: row.dailyToolRuns } : null;
    if (generation === this.generation) {
      if (this.known.size >= KNOWN_MAX) this.known.clear();
      this.known.set(userId, quota);
    }
    return quota;
  }
}
