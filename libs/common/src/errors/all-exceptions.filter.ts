import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes, randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { jsonMediaTypeFor } from '../http/api-version';
import { traceIdOf } from '../http/request-id';
import { ApiError, type ErrorEnvelope } from './api-error';
import { isDatabaseUnavailable, sqlState } from './database-errors';
import { errorCodeForStatus } from './error-codes';

interface FastifyErrorLike {
  statusCode?: number;
  message?: string;
}

// Body-parsing failures reach the filter as Fastify errors or as Nest's HttpException wrappers.
function clientErrorMessage(status: number, fallback: string, request: FastifyRequest): string {
  if (status === 404) return `No route for ${request.method} ${request.url.split('?')[0]}`;
  if (status === 413) return 'Request body is larger than the allowed limit';
  if (status === 415) return `Unsupported content type '${request.headers['content-type'] ?? ''}'; send application/json`;
  return fallback;
}

// secure-json-parse refuses `__proto__` and `constructor.prototype` keys (prototype poisoning):
// the JSON is valid, the request is not, so this is a validation error rather than a parse error.
const FORBIDDEN_PROTOTYPE = /forbidden prototype property/i;
const PROTOTYPE_KEYS = 'Keys named __proto__ or constructor.prototype are not accepted';

function prototypeKeysRefused(): ApiError {
  return ApiError.validation(PROTOTYPE_KEYS, [{ field: '(body)', message: PROTOTYPE_KEYS, code: 'INVALID_VALUE' }]);
}

/** A streamed answer whose client closed the connection before it ended. */
function clientWentAway(exception: unknown): boolean {
  return typeof exception === 'object' && exception !== null && (exception as { code?: unknown }).code === 'ERR_STREAM_PREMATURE_CLOSE';
}

/** Writes an ApiError as the envelope: the one place the error shape is produced for HTTP. */
export function sendError(reply: FastifyReply, request: FastifyRequest, error: ApiError): void {
  const envelope: ErrorEnvelope = {
    error: error.code,
    message: error.message,
    ...(error.details && error.details.length > 0 ? { details: [...error.details] } : {}),
    ...error.extra,
    timestamp: new Date().toISOString(),
    requestId: String(request.id),
    traceId: traceIdOf(request),
  };
  if (error.headers) void reply.headers(error.headers);
  void reply.status(error.status).header('x-request-id', String(request.id)).type(jsonMediaTypeFor(request)).send(envelope);
}

/** Errors Fastify raises before routing (a URL that cannot be decoded), in the same envelope. */
export function frameworkErrorHandler(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  const status = (error as FastifyErrorLike).statusCode ?? 400;
  sendError(reply, request, new ApiError(status, errorCodeForStatus(status), status === 400 ? 'Malformed URL' : 'Bad request'));
}

const CLIENT_ERRORS: Readonly<Record<string, readonly [number, string]>> = {
  HPE_HEADER_OVERFLOW: [431, 'Request headers are larger than the allowed limit'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'The request did not arrive in time'],
};

/**
 * Errors Node's HTTP parser raises before there is a request (headers too large, bytes that are
 * not HTTP), in the same envelope with a fresh request id; Fastify's default answer had neither.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'The request is not valid HTTP'];
  const requestId = `req_${randomUUID().replace(/-/g, '')}`;
  const body = JSON.stringify({ error: errorCodeForStatus(status), message, timestamp: new Date().toISOString(), requestId, traceId: randomBytes(16).toString('hex') });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-ID: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * Turns every error, from any layer (Nest, Fastify's body parsing, the database), into the one
 * envelope of DESIGN.md §2. 5xx answers never carry stacks, SQL or paths.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent) return;
    if (clientWentAway(exception)) {
      // Nothing can be answered, and nothing failed on our side: a client closed a stream early.
      this.logger.debug(`client closed ${request.method} ${request.url} before its answer ended`);
      return;
    }
    const error = this.toApiError(exception, request);
    // The MCP door speaks JSON-RPC even about a body it could not parse (or would not take).
    if ((request.routeOptions.config as { jsonRpcErrors?: boolean } | undefined)?.jsonRpcErrors && error.status === 400 && (error.message === PROTOTYPE_KEYS || /JSON/i.test(error.message))) {
      const rpcError = error.message === PROTOTYPE_KEYS ? { code: -32600, message: `Invalid Request: ${PROTOTYPE_KEYS}` } : { code: -32700, message: 'Parse error: the body is not valid JSON' };
      void reply.status(400).header('x-request-id', String(request.id)).send({ jsonrpc: '2.0', id: null, error: rpcError });
      return;
    }
    if (error.status >= 502 && error.status <= 504) {
      this.logger.warn(`${error.code} on ${request.method} ${request.url}: ${exception instanceof Error ? exception.message : 'unavailable'}`);
    } else if (error.status >= 500) {
      this.logger.error({ err: exception, requestId: request.id, url: request.url }, `${error.code} on ${request.method} ${request.url}`);
    }
    sendError(reply, request, error);
  }

  private toApiError(exception: unknown, request: FastifyRequest): ApiError {
    if (exception instanceof ApiError) return exception;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status >= 500) return new ApiError(status, errorCodeForStatus(status), 'An unexpected error occurred');
      return new ApiError(status, errorCodeForStatus(status), clientErrorMessage(status, exception.message, request));
    }
    const fastifyError = (typeof exception === 'object' && exception !== null ? exception : {}) as FastifyErrorLike;
    const status = fastifyError.statusCode;
    if (status === 400 && fastifyError.message !== undefined && FORBIDDEN_PROTOTYPE.test(fastifyError.message)) return prototypeKeysRefused();
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return new ApiError(status, errorCodeForStatus(status), clientErrorMessage(status, fastifyError.message ?? 'Bad request', request));
    }
    if (isDatabaseUnavailable(exception)) return ApiError.unavailable('The database is unavailable; try again shortly');
    // SQLSTATE class 22 (data exception): a value the database cannot hold, e.g. a NUL character.
    if (sqlState(exception)?.startsWith('22')) return ApiError.validation('The request contains a value that cannot be stored (for example a NUL character)');
    return new ApiError(500, 'INTERNAL_ERROR', 'An unexpected error occurred');
  }
}
