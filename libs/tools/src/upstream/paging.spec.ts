import { describe, expect, it } from 'vitest';
import { allPages, type Page } from './paging';

/** A list served `size` items a page; `endless` never stops offering a next page. */
function pagedList(total: number, size: number, endless = false): { read: (cursor: string | undefined) => Promise<Page<number>>; reads: () => number } {
  let reads = 0;
  const read = async (cursor: string | undefined): Promise<Page<number>> => {
    reads++;
    const offset = cursor === undefined ? 0 : Number(cursor);
    const items = Array.from({ length: size }, (_, i) => offset + i).filter((n) => endless || n < total);
    const next = offset + size;
    return { items, ...(endless || next < total ? { nextCursor: String(next) } : {}) };
  };
  return { read, reads: () => reads };
}

describe('allPages', () => {
  it('follows nextCursor to the last page, in order', async () => {
    const list = pagedList(5, 2);
    expect(await allPages(list.read)).toEqual([0, 1, 2, 3, 4]);
    expect(list.reads()).toBe(3);
  });

  it('stops at the page bound for a server that always offers another page', async () => {
    const list = pagedList(0, 2, true);
    expect(await allPages(list.read, { pages: 7, items: 1000 })).toHaveLength(14);
    expect(list.reads()).toBe(7);
  });

  it('stops at the item bound, and cuts the last page to it', async () => {
    const list = pagedList(0, 4, true);
    expect(await allPages(list.read, { pages: 100, items: 10 })).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(list.reads()).toBe(3);
  });

  it('stops when a cursor comes back (a loop)', async () => {
    let reads = 0;
    const looping = async (): Promise<Page<string>> => ({ items: [`item ${reads++}`], nextCursor: 'again' });
    expect(await allPages(looping)).toEqual(['item 0', 'item 1']);
  });

  it('passes a failure on', async () => {
    await expect(allPages(() => Promise.reject(new Error('down')))).rejects.toThrow('down');
  });
});
