import { ApiError } from '@app/common';
import { describe, expect, it } from 'vitest';
import type { UpstreamConnection } from './upstream-connection';
import { UserConnections } from './user-connections';

/** A connection that records whether it is open; connect fails when told to. */
function fakeConnection(name: string, fails = false): UpstreamConnection & { live: boolean } {
  const fake = {
    name,
    live: false,
    connect: async () => {
      if (fails) throw new ApiError(502, 'BAD_GATEWAY', `cannot reach ${name}`);
      fake.live = true;
    },
    disconnect: async () => {
      fake.live = false;
    },
  };
  return fake as unknown as UpstreamConnection & { live: boolean };
}

describe('UserConnections', () => {
  it('opens a connection once per server and user and shares it between their calls', async () => {
    const pool = new UserConnections(10, 60_000);
    let opened = 0;
    const open = () => {
      opened++;
      return fakeConnection('a');
    };
    const [first, second] = await Promise.all([pool.run('s', 'u', open, async (c) => c), pool.run('s', 'u', open, async (c) => c)]);
    expect(first).toBe(second);
    expect(opened).toBe(1);
    await pool.run('s', 'v', open, async () => undefined);
    expect(opened).toBe(2);
    expect(pool.count('s')).toBe(2);
    await pool.closeAll();
  });

  it('forgets a connection that cannot be opened, so the next call tries afresh', async () => {
    const pool = new UserConnections(10, 60_000);
    await expect(pool.run('s', 'u', () => fakeConnection('down', true), async () => 'never')).rejects.toThrow('cannot reach down');
    expect(pool.count('s')).toBe(0);
    expect(await pool.run('s', 'u', () => fakeConnection('up'), async () => 'ran')).toBe('ran');
    await pool.closeAll();
  });

  it('past its bound closes the least recently used idle connection, and refuses when all are busy', async () => {
    let now = 0;
    const pool = new UserConnections(2, 60_000, () => now);
    const a = fakeConnection('a');
    const b = fakeConnection('b');
    await pool.run('s', 'a', () => a, async () => undefined);
    now = 10;
    await pool.run('s', 'b', () => b, async () => undefined);
    now = 20;
    await pool.run('s', 'c', () => fakeConnection('c'), async () => undefined);
    expect(a.live).toBe(false);
    expect(b.live).toBe(true);

    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const busyB = pool.run('s', 'b', () => b, () => held);
    const busyC = pool.run('s', 'c', () => fakeConnection('c2'), () => held);
    const refused = await pool.run('s', 'd', () => fakeConnection('d'), async () => 'ran').catch((error: ApiError) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(503);
    release();
    await Promise.all([busyB, busyC]);
    await pool.closeAll();
  });

  it('closes connections idle for longer than its idle time, never one in use', async () => {
    let now = 0;
    const pool = new UserConnections(10, 1_000, () => now);
    const idle = fakeConnection('idle');
    const busy = fakeConnection('busy');
    await pool.run('s', 'idle', () => idle, async () => undefined);
    let release!: () => void;
    const running = pool.run('s', 'busy', () => busy, () => new Promise<void>((resolve) => (release = resolve)));
    now = 5_000;
    expect(await pool.sweep()).toBe(1);
    expect(idle.live).toBe(false);
    expect(busy.live).toBe(true);
    release();
    await running;
    await pool.dropServer('s');
    expect(busy.live).toBe(false);
    expect(pool.count('s')).toBe(0);
  });
});
