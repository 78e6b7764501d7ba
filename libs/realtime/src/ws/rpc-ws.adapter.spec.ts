import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RpcWsAdapter } from './rpc-ws.adapter';

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
