/**
 * What this instance read lately of MCP sessions (rows any instance may continue). An entry older
 * than `ttlMs` is read from the database again before use, so it is not kept either: a client
 * that opens sessions and never comes back must not grow memory. At most `max` are held, the one
 * stored longest ago going first.
 */
export class SessionCache<T> {
  private readonly entries = new Map<string, { readonly value: T; readonly storedAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The entry while fresh; a stale one is dropped. */
  get(id: string): T | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (Date.now() - entry.storedAt <= this.ttlMs) return entry.value;
    this.entries.delete(id);
    return undefined;
  }

  set(id: string, value: T): void {
    // Deleted first, so the map's order stays the order of storing (the oldest first).
    this.entries.delete(id);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(id, { value, storedAt: Date.now() });
  }

  delete(id: string): void {
    this.entries.delete(id);
  }

  /** Drops every stale entry; the oldest come first, so the pass stops at the first fresh one. */
  sweep(): void {
    const stale = Date.now() - this.ttlMs;
    for (const [id, entry] of this.entries) {
      if (entry.storedAt >= stale) return;
      this.entries.delete(id);
    }
  }
}
