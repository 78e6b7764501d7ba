import { ApiError } from '@app/common';
import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RpcWsAdapter, upgradeRefusal } from './rpc-ws.adapter';

function protocolError(code: string, message: string): Error {
  return Object.assign(new RangeError(message), { code });
}

describe('RpcWsAdapter error logging', () => {
  afterEach(() => vi.restoreAllMocks());

  const adapter = new RpcWsAdapter({} as never, { admit: () => Promise.reject(new Error('unused')) });

  it('logs a client\u2019s protocol faults (bad UTF-8, oversize frame) at debug, not as server errors', () => {
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const debug = vi.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    const server = adapter.bindErrorHandler(new EventEmitter());
    const socket = new EventEmitter();
    server.emit('connection', socket);
    socket.emit('error', protocolError('WS_ERR_INVALID_UTF8', 'Invalid WebSocket frame: invalid UTF-8 sequence'));
    socket.emit('error', protocolError('WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', 'Max payload size exceeded'));
    expect(error).not.toHaveBeenCalled();
    expect(debug.mock.calls.map(([message]) => String(message))).toEqual([expect.stringContaining('WS_ERR_INVALID_UTF8'), expect.stringContaining('WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')]);
  });

  it('still logs anything else, and the server\u2019s own errors, at error level', () => {
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const server = adapter.bindErrorHandler(new EventEmitter());
    const socket = new EventEmitter();
    server.emit('connection', socket);
    const broken = new Error('EPIPE');
    socket.emit('error', broken);
    server.emit('error', new Error('listen failed'));
    expect(error.mock.calls.map(([logged]) => (logged as Error).message)).toEqual(['EPIPE', 'listen failed']);
  });
});

describe('upgradeRefusal', () => {
  const request = { headers: { 'x-request-id': 'req-1' } } as unknown as IncomingMessage;

  it('answers as a refused request: the status, the error\u2019s headers and the JSON envelope', () => {
    const limited = new ApiError(429, 'RATE_LIMIT_EXCEEDED', 'Too many requests; retry in 7 s', { headers: { 'Retry-After': '7', 'X-RateLimit-Remaining': '0' } });
    const refusal = upgradeRefusal(limited, request);
    expect(refusal).toMatchObject({ status: 429, headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Request-ID': 'req-1', 'Retry-After': '7', 'X-RateLimit-Remaining': '0' } });
    expect(JSON.parse(refusal.body)).toMatchObject({ error: 'RATE_LIMIT_EXCEEDED', message: 'Too many requests; retry in 7 s', requestId: 'req-1' });
  });

  it('makes anything unexpected a 401 that names the scheme, without saying what went wrong', () => {
    const refusal = upgradeRefusal(new Error('database down'), request);
    expect([refusal.status, refusal.headers['WWW-Authenticate'], JSON.parse(refusal.body).error]).toEqual([401, 'Bearer', 'UNAUTHORIZED']);
    expect(refusal.body).not.toContain('database');
  });
});
