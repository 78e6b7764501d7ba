import { ApiError } from '@app/common';
import { EventBus, LocalOnlyTransport } from '@app/events';
import type { RateLimiter } from '@app/security';
import type { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { OrganizationMemberships } from './organization-memberships';
import { OrganizationQuotas } from './organization-quotas';

/** Memberships read from a map (counting the reads), and a limiter that counts per key. */
function quotasWith(memberships: Map<string, { organizationId: string; dailyToolRuns: number | null }>) {
  let reads = 0;
  const counts = new Map<string, number>();
  const dataSource = {
    query: async (_sql: string, [userId]: [string]) => {
      reads++;
      const row = memberships.get(userId);
      return row ? [row] : [];
    },
  } as unknown as DataSource;
  const limiter = {
    consume: async (key: string, rule: { limit: number; windowSeconds: number }) => {
      const count = (counts.get(key) ?? 0) + 1;
      counts.set(key, count);
      return { allowed: count <= rule.limit, limit: rule.limit, remaining: Math.max(0, rule.limit - count), reset: 0, retryAfter: rule.windowSeconds };
    },
  } as unknown as RateLimiter;
  const known = new OrganizationMemberships(dataSource, new EventBus(new LocalOnlyTransport()));
  const quotas = new OrganizationQuotas(known, limiter);
  return { quotas, memberships: known, reads: () => reads, counts };
}

describe('OrganizationQuotas', () => {
  it('costs a user in no organization one read, then nothing: no promise at all', async () => {
    const { quotas, reads } = quotasWith(new Map());
    await quotas.admit('loner');
    expect(quotas.admit('loner')).toBeUndefined();
    expect(reads()).toBe(1);
  });

  it("counts the organization's runs together per UTC day and refuses past the plan, until midnight", async () => {
    const memberships = new Map([
      ['a', { organizationId: 'org', dailyToolRuns: 2 }],
      ['b', { organizationId: 'org', dailyToolRuns: 2 }],
    ]);
    const { quotas, counts } = quotasWith(memberships);
    await quotas.admit('a');
    await quotas.admit('b');
    const refused = await quotas.admit('a')?.catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(429);
    const retryAfter = Number((refused as ApiError).headers?.['Retry-After']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect([...counts.keys()]).toEqual([`org-runs:org:${Math.floor(Date.now() / 86_400_000)}`]);
  });

  it('reads quotas afresh after a change, and never keeps a read that began before one', async () => {
    const memberships = new Map([['a', { organizationId: 'org', dailyToolRuns: null as number | null }]]);
    const { quotas, memberships: known, reads } = quotasWith(memberships);
    await quotas.admit('a');
    expect(quotas.admit('a')).toBeUndefined();
    memberships.set('a', { organizationId: 'org', dailyToolRuns: 1 });
    known.forget();
    await quotas.admit('a');
    await expect(quotas.admit('a')).rejects.toThrow('allows 1 tool runs a day');
    expect(reads()).toBe(2);

    // A read in flight when a change lands is used for that run only.
    memberships.set('b', { organizationId: 'org', dailyToolRuns: null });
    const inFlight = quotas.admit('b');
    known.forget();
    await inFlight;
    memberships.set('b', { organizationId: 'org2', dailyToolRuns: 5 });
    await quotas.admit('b');
    expect(reads()).toBe(4);
  });

  it("answers a user's organization without a promise once read, from the same read as their quota", async () => {
    const { quotas, memberships, reads } = quotasWith(new Map([['a', { organizationId: 'org', dailyToolRuns: null }]]));
    await expect(memberships.organizationOf('a')).resolves.toBe('org');
    expect(memberships.organizationOf('a')).toBe('org');
    expect(quotas.admit('a')).toBeUndefined();
    expect(await memberships.organizationOf('nobody')).toBeNull();
    expect(memberships.organizationOf('nobody')).toBeNull();
    expect(reads()).toBe(2);
  });
});
