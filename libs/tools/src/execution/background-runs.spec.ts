import { EventBus, LocalOnlyTransport } from '@app/events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BackgroundRuns } from './background-runs';

describe('BackgroundRuns', () => {
  const events = new EventBus(new LocalOnlyTransport());
  const runs = new BackgroundRuns(events);
  const word = async (executionId: string, reason = 'stop'): Promise<void> => {
    events.publish('tool.run.cancelled', { executionId, reason });
    await new Promise((resolve) => setImmediate(resolve));
  };

  afterEach(() => {
    vi.useRealTimers();
  });

  it('stops a run it holds when the word comes', async () => {
    const cancellation = runs.begin('a');
    const heard: string[] = [];
    cancellation.onCancel((reason) => heard.push(reason));
    await word('a', 'by an admin');
    expect(heard).toEqual(['by an admin']);
    runs.end('a');
  });

  it('a run that begins after its word (claimed just before the cancellation) is cancelled at once', async () => {
    await word('b', 'early');
    const cancellation = runs.begin('b');
    expect(cancellation.cancelled).toBe(true);
    runs.end('b');
    // The word is used once: the same id beginning again (it never does) would not be touched.
    expect(runs.begin('b').cancelled).toBe(false);
    runs.end('b');
  });

  it('forgets an early word after a minute, and never holds more than 10,000', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    await word('old');
    vi.setSystemTime(Date.now() + 61_000);
    await word('new');
    expect(runs.begin('old').cancelled).toBe(false);
    expect(runs.begin('new').cancelled).toBe(true);
    for (let n = 0; n < 10_001; n++) await word(`n${n}`);
    expect(runs.begin('n0').cancelled).toBe(false);
    expect(runs.begin('n10000').cancelled).toBe(true);
  });

  it('a run that has ended is not touched by a later word', async () => {
    const cancellation = runs.begin('c');
    runs.end('c');
    await word('c');
    expect(cancellation.cancelled).toBe(false);
  });
});
