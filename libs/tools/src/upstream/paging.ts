import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Prompt, Resource, ResourceTemplate } from '@modelcontextprotocol/sdk/types.js';

/** Bounds on following an upstream's nextCursor, so that a hostile server cannot keep us listing forever. */
export const PAGE_LIMITS = { pages: 100, items: 10_000 } as const;

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

/**
 * Every page of an upstream list, in order: stops at the last page, at a cursor seen before (a
 * loop), or at the bounds (what was read so far is kept, cut to the item bound).
 */
export async function allPages<T>(read: (cursor: string | undefined) => Promise<Page<T>>, limits: { pages: number; items: number } = PAGE_LIMITS): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < limits.pages && items.length < limits.items; page++) {
    const answer = await read(cursor);
    items.push(...answer.items);
    cursor = answer.nextCursor;
    if (cursor === undefined || seen.has(cursor)) break;
    seen.add(cursor);
  }
  return items.slice(0, limits.items);
}

// An upstream paginates its lists as it likes: these read every page, within PAGE_LIMITS.
const cursorParams = (cursor: string | undefined): { cursor: string } | undefined => (cursor === undefined ? undefined : { cursor });

export function listAllResources(client: Client, timeout: number): Promise<Resource[]> {
  return allPages(async (cursor) => {
    const answer = await client.listResources(cursorParams(cursor), { timeout });
    return { items: answer.resources, nextCursor: answer.nextCursor };
  });
}

export function listAllResourceTemplates(client: Client, timeout: number): Promise<ResourceTemplate[]> {
  return allPages(async (cursor) => {
    const answer = await client.listResourceTemplates(cursorParams(cursor), { timeout });
    return { items: answer.resourceTemplates, nextCursor: answer.nextCursor };
  });
}

export function listAllPrompts(client: Client, timeout: number): Promise<Prompt[]> {
  return allPages(async (cursor) => {
    const answer = await client.listPrompts(cursorParams(cursor), { timeout });
    return { items: answer.prompts, nextCursor: answer.nextCursor };
  });
}
