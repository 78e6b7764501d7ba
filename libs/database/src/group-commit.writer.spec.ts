import { describe, expect, it } from 'vitest';
import { GroupCommitWriter } from './group-commit.writer';

describe('GroupCommitWriter', () => {
  it('sends the first row at once and everything that arrives meanwhile in the next batch', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const writer = new GroupCommitWriter<number>('test', async (rows) => {
      batches.push(rows);
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = writer.write(1);
    await new Promise((resolve) => setImmediate(resolve));
    const rest = [2, 3, 4].map((n) => writer.write(n));
    release();
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('sends the next batch before the writers of the committed one carry on', async () => {
    const events: string[] = [];
    const commits: Array<() => void> = [];
    const writer = new GroupCommitWriter<number>('test', (rows) => {
      events.push(`sent ${rows.join(',')}`);
      return new Promise<void>((resolve) => commits.push(resolve));
    });
    const first = writer.write(1).then(() => events.push('writer of 1 carries on'));
    await new Promise((resolve) => setImmediate(resolve));
    const second = writer.write(2).then(() => events.push('writer of 2 carries on'));
    commits[0]();
    await first;
    commits[1]();
    await second;
    expect(events).toEqual(['sent 1', 'sent 2', 'writer of 1 carries on', 'writer of 2 carries on']);
  });

  it('resolves a write only after its batch is committed', async () => {
    const committed: number[] = [];
    const writer = new GroupCommitWriter<number>('test', async (rows) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      committed.push(...rows);
    });
    await writer.write(7);
    expect(committed).toEqual([7]);
  });

  it('retries a batch while the database is unreachable, then rejects every write in it', async () => {
    let attempts = 0;
    const writer = new GroupCommitWriter<number>('test', async () => {
      attempts++;
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    });
    await expect(Promise.all([writer.write(1), writer.write(2)])).rejects.toThrow('ECONNREFUSED');
    expect(attempts).toBe(3);
    await writer.flush();
  });

  it('caps the batch size', async () => {
    const sizes: number[] = [];
    const writer = new GroupCommitWriter<number>('test', async (rows) => void sizes.push(rows.length), 3);
    await Promise.all(Array.from({ length: 7 }, (_, i) => writer.write(i)));
    expect(sizes).toEqual([3, 3, 1]);
  });
});

describe('GroupCommitWriter with a bad row', () => {
  it('writes the good rows of a failing batch one by one and fails only the bad one', async () => {
    const committed: number[] = [];
    const writer = new GroupCommitWriter<number>('test', async (rows) => {
      if (rows.includes(13)) throw new Error('value 13 cannot be stored');
      committed.push(...rows);
    });
    const results = await Promise.allSettled([writer.write(1), writer.write(13), writer.write(2)]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(committed.sort()).toEqual([1, 2]);
  });

  it('does not retry a batch whose error is not retryable', async () => {
    let attempts = 0;
    const timeout = new Error('Query read timeout');
    const writer = new GroupCommitWriter<number>(
      'test',
      async () => {
        attempts++;
        throw timeout;
      },
      undefined,
      (error) => error !== timeout,
    );
    await expect(writer.write(1)).rejects.toBe(timeout);
    expect(attempts).toBe(1);
  });

  it('fails the rows queued behind a batch that could not reach the database, with its error', async () => {
    const batches: number[][] = [];
    const lost = new Error('Query read timeout');
    let fail: (error: Error) => void = () => undefined;
    const writer = new GroupCommitWriter<number>(
      'test',
      (rows) => {
        batches.push(rows);
        return new Promise<void>((_, reject) => (fail = reject));
      },
      undefined,
      () => false,
    );
    const first = writer.write(1).catch((error: unknown) => error);
    await new Promise((resolve) => setImmediate(resolve));
    const queued = [2, 3].map((n) => writer.write(n).catch((error: unknown) => error));
    fail(lost);
    expect(await Promise.all([first, ...queued])).toEqual([lost, lost, lost]);
    // The queued rows never went to the database.
    expect(batches).toEqual([[1]]);
  });
});
