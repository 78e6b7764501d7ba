import { type ErrorCode } from './error-codes';

export interface ErrorDetail {
  readonly field: string;
  readonly message: string;
  readonly code: string;
}

/** The body every error answer carries (the OpenAPI `Error` schema). */
export interface ErrorEnvelope {
  error: string;
  message: string;
  details?: ErrorDetail[];
  timestamp: string;
  requestId: string;
  traceId?: string;
  [extra: string]: unknown;
}

export interface ApiErrorOptions {
  readonly details?: readonly ErrorDetail[];
  /** Response headers such as Retry-After or WWW-Authenticate. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Extra top-level envelope fields, e.g. `mfaToken` on MFA_REQUIRED. */
  readonly extra?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

/**
 * The one error type services throw. Every door translates it: REST into the envelope,
 * JSON-RPC into an application error whose data carries the same code.
 */
export class ApiError extends Error {
  readonly details?: readonly ErrorDetail[];
  readonly headers?: Readonly<Record<string, string>>;
  readonly extra?: Readonly<Record<string, unknown>>;

  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    options: ApiErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ApiError';
    this.details = options.details;
    this.headers = options.headers;
    this.extra = options.extra;
  }

  static validation(message: string, details: readonly ErrorDetail[] = []): ApiError {
    return new ApiError(400, 'VALIDATION_ERROR', message, { details });
  }

  static unauthorized(message = 'Authentication required', code: ErrorCode = 'UNAUTHORIZED'): ApiError {
    return new ApiError(401, code, message);
  }

  static forbidden(message = 'Insufficient permissions'): ApiError {
    return new ApiError(403, 'FORBIDDEN', message);
  }

  static notFound(what: string): ApiError {
    return new ApiError(404, 'NOT_FOUND', `${what} not found`);
  }

  static conflict(message: string, details?: readonly ErrorDetail[]): ApiError {
    return new ApiError(409, 'CONFLICT', message, { details });
  }

  static unavailable(message: string, cause?: unknown): ApiError {
    return new ApiError(503, 'SERVICE_UNAVAILABLE', message, { cause });
  }
}

/** A 403 naming the permissions the caller lacks: a door that can ask for a wider grant (MCP step-up) reads them. */
export class MissingPermissionsError extends ApiError {
  constructor(
    message: string,
    readonly missing: readonly string[],
  ) {
    super(403, 'FORBIDDEN', message);
    this.name = 'MissingPermissionsError';
  }
}
