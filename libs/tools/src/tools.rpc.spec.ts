import { RpcError } from '@app/rpc';
import { describe, expect, it } from 'vitest';
import { decodeCursor, paginate } from './tools.rpc';

const cursorOf = (offset: number): string => Buffer.from(String(offset)).toString('base64url');

describe('our own list cursors', () => {
  it('decodes what it minted, and no cursor as the first page', () => {
    expect(decodeCursor(undefined)).toBe(0);
    expect(decodeCursor(cursorOf(100))).toBe(100);
  });

  it('refuses "" and anything it could not have minted with -32602', () => {
    for (const cursor of ['', 'garbage', 'MDA', cursorOf(-1), cursorOf(1.5), 7]) {
      expect(() => decodeCursor(cursor)).toThrow(RpcError);
      expect(() => decodeCursor(cursor)).toThrow(expect.objectContaining({ code: -32602 }));
    }
  });

  it('pages a gathered list by 100 under its MCP key, and checks the cursor before reading the list', async () => {
    const items = Array.from({ length: 150 }, (_, i) => i);
    const first = await paginate('prompts', undefined, async () => items);
    expect(first.prompts).toEqual(items.slice(0, 100));
    const second = await paginate('prompts', first.nextCursor, async () => items);
    expect(second).toEqual({ prompts: items.slice(100) });
    let read = false;
    await expect(
      paginate('prompts', 'garbage', async () => {
        read = true;
        return items;
      }),
    ).rejects.toMatchObject({ code: -32602 });
    expect(read).toBe(false);
  });
});
