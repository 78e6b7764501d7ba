/** Lets `notifications/cancelled` reach a request in flight; far cheaper than an AbortController per request. */
export class RequestCancellation {
  private reason?: string;
  private listener?: (reason: string) => void;

  get cancelled(): boolean {
    return this.reason !== undefined;
  }

  cancel(reason: string): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    this.listener?.(reason);
  }

  /** Called at once if the request was already cancelled. */
  onCancel(listener: (reason: string) => void): void {
    this.listener = listener;
    if (this.reason !== undefined) listener(this.reason);
  }
}

/** A door's cancellable requests in flight, by session and JSON-RPC id. */
export class InFlightRequests {
  private readonly requests = new Map<string, RequestCancellation>();

  begin(sessionId: string, id: string | number): RequestCancellation {
    const cancellation = new RequestCancellation();
    this.requests.set(key(sessionId, id), cancellation);
    return cancellation;
  }

  end(sessionId: string, id: string | number, cancellation: RequestCancellation): void {
    const name = key(sessionId, id);
    if (this.requests.get(name) === cancellation) this.requests.delete(name);
  }

  /** False when no such request is in flight here. */
  cancel(sessionId: string, id: unknown, reason: string): boolean {
    if (typeof id !== 'string' && typeof id !== 'number') return false;
    const cancellation = this.requests.get(key(sessionId, id));
    cancellation?.cancel(reason);
    return cancellation !== undefined;
  }
}

const key = (sessionId: string, id: string | number): string => `${sessionId} ${JSON.stringify(id)}`;
