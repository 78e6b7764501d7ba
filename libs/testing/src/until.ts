/**
 * Polls `probe` until `accept` holds, and returns that value; past `withinMs` it throws with the
 * last value seen, so a test that waits for something says what it got instead.
 */
export async function until<T>(probe: () => T | Promise<T>, accept: (value: T) => boolean, withinMs = 10_000, everyMs = 50): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() - started > withinMs) throw new Error(`not reached within ${withinMs} ms: ${JSON.stringify(value)?.slice(0, 400)}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** `until`, also saying how long it took (the outage suites measure recovery). */
export async function waitFor<T>(probe: () => T | Promise<T>, accept: (value: T) => boolean, withinMs: number): Promise<{ value: T; afterMs: number }> {
  const started = Date.now();
  const value = await until(probe, accept, withinMs, 100);
  return { value, afterMs: Date.now() - started };
}
