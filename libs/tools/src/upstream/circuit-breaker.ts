import { ApiError } from '@app/common';

export type CircuitState = 'closed' | 'open' | 'half-open';

/** What an operator sees of a breaker (times in ms since the epoch). */
export interface CircuitSnapshot {
  readonly state: CircuitState;
  /** Consecutive failures now. */
  readonly failures: number;
  /** Successful calls since this instance made the breaker. */
  readonly successes: number;
  readonly lastError: string | null;
  readonly lastFailureAt: number | null;
  readonly lastStateChange: number;
  /** When an open circuit lets a probe through; null unless open. */
  readonly cooldownEndsAt: number | null;
}

/** Handed to the one call allowed through in half-open; the breaker only frees the slot for that call. */
export type ProbeTicket = symbol;

/**
 * Per upstream server: after `threshold` consecutive failures calls are refused (503, saying why)
 * until `cooldownMs` has passed; then one probe call decides between closing and reopening.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  /** The probe in flight in half-open, if any. */
  private probe: ProbeTicket | undefined;
  private lastError = '';
  private current: CircuitState = 'closed';
  private successes = 0;
  private lastFailureAt: number | null = null;
  private changedAt: number;

  constructor(
    private readonly serverName: string,
    private readonly threshold: number,
    private readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
    /** Told when calls start being refused (opened from closed) and when they flow again (closed). */
    private readonly changed: (state: 'open' | 'closed') => void = () => undefined,
  ) {
    this.changedAt = now();
  }

  get state(): CircuitState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.cooldownMs) return 'half-open';
    return this.current;
  }

  /**
   * Throws 503 while open; in half-open lets exactly one probe through and returns its ticket
   * (undefined for an ordinary call), to hand back to `abandoned` if the probe ends without a verdict.
   */
  guard(): ProbeTicket | undefined {
    const state = this.state;
    if (state === 'closed') return undefined;
    if (state === 'half-open' && this.probe === undefined) {
      this.probe = Symbol('probe');
      this.current = 'half-open';
      return this.probe;
    }
    const retryIn = Math.max(1, Math.ceil((this.cooldownMs - (this.now() - this.openedAt)) / 1000));
    throw new ApiError(503, 'SERVICE_UNAVAILABLE', `Upstream '${this.serverName}' is unavailable: circuit open after ${this.failures} consecutive failures (last: ${this.lastError}); retry in ${retryIn} s`, {
      headers: { 'Retry-After': String(retryIn) },
      details: [{ field: 'server', message: this.serverName, code: 'CIRCUIT_OPEN' }],
    });
  }

  /** Whether `guard` would let a call through now (closed, or half-open with the probe slot free). */
  admits(): boolean {
    const state = this.state;
    return state === 'closed' || (state === 'half-open' && this.probe === undefined);
  }

  succeeded(): void {
    const reopened = this.current !== 'closed';
    if (reopened) this.changedAt = this.now();
    this.successes++;
    this.failures = 0;
    this.probe = undefined;
    this.current = 'closed';
    if (reopened) this.changed('closed');
  }

  failed(reason: string): void {
    this.failures++;
    this.lastError = reason.slice(0, 200);
    // One instant for the failure and the opening it causes: the cool-down ends exactly cooldownMs after it.
    const now = this.now();
    this.lastFailureAt = now;
    // A failed probe opens it again: still the same outage, so nobody is told twice.
    const opening = this.current === 'closed' && this.failures >= this.threshold;
    if (this.current === 'half-open' || this.failures >= this.threshold) {
      if (this.current !== 'open' || this.state === 'half-open') this.changedAt = now;
      this.current = 'open';
      this.openedAt = now;
    }
    this.probe = undefined;
    if (opening) this.changed('open');
  }

  snapshot(): CircuitSnapshot {
    const state = this.state;
    const cooldownEndsAt = this.openedAt + this.cooldownMs;
    return {
      state,
      failures: this.failures,
      successes: this.successes,
      lastError: this.lastError || null,
      lastFailureAt: this.lastFailureAt,
      // Half-open comes by itself, when the cool-down ends.
      lastStateChange: state === 'half-open' && this.current === 'open' ? cooldownEndsAt : this.changedAt,
      cooldownEndsAt: state === 'open' ? cooldownEndsAt : null,
    };
  }

  /**
   * A call ended without saying anything about the upstream (our caller's timeout or cancellation).
   * If it was the probe, the slot is freed so that the next call probes again; the circuit stays
   * half-open. Any other call's end changes nothing.
   */
  abandoned(ticket: ProbeTicket | undefined): void {
    if (ticket !== undefined && ticket === this.probe) this.probe = undefined;
  }
}
