interface DriverErrorLike {
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
}

// SQLSTATE classes 08 (connection), 57P (operator intervention: shutdown, crash) and 53 (resources).
const UNAVAILABLE_SQLSTATE = /^(08|57P|53)/;
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);
const UNAVAILABLE_MESSAGES = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established|the database system is (starting up|shutting down)/i;

function asDriverError(error: unknown): DriverErrorLike | undefined {
  return typeof error === 'object' && error !== null ? (error as DriverErrorLike) : undefined;
}

/** True when the error means "the database cannot be reached", which is a 503, not a 500. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = asDriverError(error), depth = 0; current && depth < 4; depth++) {
    const code = typeof current.code === 'string' ? current.code : '';
    if (UNAVAILABLE_NODE_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code)) return true;
    if (typeof current.message === 'string' && UNAVAILABLE_MESSAGES.test(current.message)) return true;
    current = asDriverError(current.driverError ?? (current as { cause?: unknown }).cause);
  }
  return false;
}

/** The SQLSTATE of a failed query, if any (e.g. 23505 unique violation). */
export function sqlState(error: unknown): string | undefined {
  const candidate = asDriverError(error);
  const code = asDriverError(candidate?.driverError)?.code ?? candidate?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
