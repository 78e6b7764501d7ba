import { EventBus } from '@app/events';
import { CallerOrganizations } from '@app/tools';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';

declare module '@app/events' {
  interface EventMap {
    /** An organization's plan or members changed, or it was deleted: every instance reads memberships afresh. */
    'organizations.changed': { organizationId: string };
  }
}

/** What the engine needs of a user's membership: their organization and its runs a day. */
export interface Membership {
  readonly organizationId: string;
  readonly dailyToolRuns: number | null;
}

const KNOWN_MAX = 50_000;

/**
 * Each user's organization, read once per instance and kept until a plan or a membership changes
 * anywhere: after the first read, a user's runs and listings learn it without a promise.
 */
@Injectable()
export class OrganizationMemberships extends CallerOrganizations implements OnModuleInit, OnModuleDestroy {
  private readonly known = new Map<string, Membership | null>();
  /** Bumped by every change: a read that began before one is not kept. */
  private generation = 0;
  private unsubscribe?: () => void;

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventBus,
  ) {
    super();
  }

  onModuleInit(): void {
    this.unsubscribe = this.events.on('organizations.changed', () => this.forget());
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** The user's membership (null: in none); no promise when it is known here. */
  membershipOf(userId: string): Membership | null | Promise<Membership | null> {
    const known = this.known.get(userId);
    return known === undefined ? this.load(userId) : known;
  }

  organizationOf(userId: string): string | null | Promise<string | null> {
    const membership = this.membershipOf(userId);
    return membership instanceof Promise ? membership.then((read) => read?.organizationId ?? null) : (membership?.organizationId ?? null);
  }

  async unknownAmong(ids: readonly string[]): Promise<string[]> {
    const rows = (await this.dataSource.query(`SELECT id FROM organizations WHERE id = ANY($1::uuid[])`, [ids])) as Array<{ id: string }>;
    const found = new Set(rows.map(({ id }) => id));
    return ids.filter((id) => !found.has(id));
  }

  /** A change made here takes effect at once; the event tells the other instances. */
  changed(organizationId: string): void {
    this.forget();
    this.events.publish('organizations.changed', { organizationId });
  }

  forget(): void {
    this.generation++;
    this.known.clear();
  }

  private async load(userId: string): Promise<Membership | null> {
    const generation = this.generation;
    const [row] = (await this.dataSource.query(
      `SELECT m.organization_id AS "organizationId", (o.plan->>'dailyToolRuns')::int AS "dailyToolRuns"
         FROM organization_members m JOIN organizations o ON o.id = m.organization_id WHERE m.user_id = $1`,
      [userId],
    )) as Array<{ organizationId: string; dailyToolRuns: number | null }>;
    const membership = row ? { organizationId: row.organizationId, dailyToolRuns: row.dailyToolRuns ?? null } : null;
    if (generation === this.generation) {
      if (this.known.size >= KNOWN_MAX) this.known.clear();
      this.known.set(userId, membership);
    }
    return membership;
  }
}
