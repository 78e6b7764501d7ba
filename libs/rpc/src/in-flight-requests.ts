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

/**
 * A door's cancellable requests in flight, by session and JSON-RPC id. Map keys keep `7` and `'7'`
 * apart as JSON-RPC does, so no key text is made per request.
 */
export class InFlightRequests {
  private readonly sessions = new Map<string, Map<string | number, RequestCancellation>>();

  begin(sessionId: string, id: string | number): RequestCancellation {
    const cancellation = new RequestCancellation();
    let requests = this.sessions.get(sessionId);
    if (!requests) {
      requests = new Map();
      this.sessions.set(sessionId, requests);
    }
    requests.set(id, cancellation);
    return cancellation;
  }

  end(sessionId: string, id: string | number, cancellation: RequestCancellation): void {
    const requests = this.sessions.get(sessionId);
    if (requests?.get(id) !== cancellation) return;
    requests.delete(id);
    if (requests.size === 0) this.sessions.delete(sessionId);
  }

  /** False when no such request is in flight here. */
  cancel(sessionId: string, id: unknown, reason: string): boolean {
    if (typeof id !== 'string' && typeof id !== 'number') return false;
    const cancellation = this.sessions.get(sessionId)?.get(id);
    cancellation?.cancel(reason);
    return cancellation !== undefined;
  }
}
