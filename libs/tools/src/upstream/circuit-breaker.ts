import { ApiError } from '@app/common';

export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * Per upstream server: after `threshold` consecutive failures calls are refused (503, saying why)
 * until `cooldownMs` has passed; then one probe call decides between closing and reopening.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private lastError = '';
  private current: CircuitState = 'closed';

  constructor(
    private readonly serverName: string,
    private readonly threshold: number,
    private readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): CircuitState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.cooldownMs) return 'half-open';
    return this.current;
  }

  /** Throws 503 while open; in half-open lets exactly one probe through. */
  guard(): void {
    const state = this.state;
    if (state === 'closed') return;
    if (state === 'half-open' && !this.probing) {
      this.probing = true;
      this.current = 'half-open';
      return;
    }
    const retryIn = Math.max(1, Math.ceil((this.cooldownMs - (this.now() - this.openedAt)) / 1000));
    throw new ApiError(503, 'SERVICE_UNAVAILABLE', `Upstream '${this.serverName}' is unavailable: circuit open after ${this.failures} consecutive failures (last: ${this.lastError}); retry in ${retryIn} s`, {
      headers: { 'Retry-After': String(retryIn) },
    });
  }

  succeeded(): void {
    this.failures = 0;
    this.probing = false;
    this.current = 'closed';
  }

  failed(reason: string): void {
    this.failures++;
    this.lastError = reason.slice(0, 200);
    if (this.current === 'half-open' || this.failures >= this.threshold) {
      this.current = 'open';
      this.openedAt = this.now();
    }
    this.probing = false;
  }
}
