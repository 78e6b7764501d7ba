interface DriverErrorLike {
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
}

// SQLSTATE classes 08 (connection), 57P (operator intervention: shutdown, crash) and 53 (resources).
const UNAVAILABLE_SQLSTATE = /^(08|57P|53)/;
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);
// 'Query read timeout': pg's client-side query_timeout, a query the database never answered.
const UNAVAILABLE_MESSAGES = /Query read timeout|Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established|the database system is (starting up|shutting down)/i;

// ioredis: a command that gave up while Redis is down or stalled (retries spent, link closed,
// no answer within commandTimeout, offline queue off). Redis is a dependency like the database.
const REDIS_UNAVAILABLE_NAMES = new Set(['MaxRetriesPerRequestError']);
const REDIS_UNAVAILABLE_MESSAGES = /Reached the max retries per request limit|^Connection is closed\.?$|^Command timed out$|Stream isn't writeable and enableOfflineQueue options is false|Redis did not answer within|None of the sentinels are available|All sentinels are unreachable/;

function asDriverError(error: unknown): DriverErrorLike | undefined {
  return typeof error === 'object' && error !== null ? (error as DriverErrorLike) : undefined;
}

/**
 * True when the error means "the database (PostgreSQL, or Redis) cannot be reached", which is a
 * 503, not a 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = asDriverError(error), depth = 0; current && depth < 4; depth++) {
    const code = typeof current.code === 'string' ? current.code : '';
    if (UNAVAILABLE_NODE_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code)) return true;
    if (typeof current.message === 'string' && UNAVAILABLE_MESSAGES.test(current.message)) return true;
    if (isRedisFailure(current)) return true;
    current = asDriverError(current.driverError ?? (current as { cause?: unknown }).cause);
  }
  return false;
}

/** True for the errors of a Redis that is down or stalled (retries spent, link closed, no answer), wrapped or not. */
export function isRedisUnavailable(error: unknown): boolean {
  for (let current = asDriverError(error), depth = 0; current && depth < 4; depth++) {
    if (isRedisFailure(current)) return true;
    current = asDriverError((current as { cause?: unknown }).cause);
  }
  return false;
}

function isRedisFailure(error: DriverErrorLike): boolean {
  const name = (error as { name?: unknown }).name;
  if (typeof name === 'string' && REDIS_UNAVAILABLE_NAMES.has(name)) return true;
  return typeof error.message === 'string' && REDIS_UNAVAILABLE_MESSAGES.test(error.message);
}

/** The SQLSTATE of a failed query, if any (e.g. 23505 unique violation). */
export function sqlState(error: unknown): string | undefined {
  const candidate = asDriverError(error);
  const code = asDriverError(candidate?.driverError)?.code ?? candidate?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
