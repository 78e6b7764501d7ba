import { ApiError } from '@app/common';
import { describe, expect, it } from 'vitest';
import type { RpcContext } from './json-rpc';
import { InFlightRequests } from './in-flight-requests';
import { RpcRegistry } from './rpc-registry';

const context: RpcContext = { caller: { id: 'u', email: 'u@x.io', roles: [], permissions: [], via: 'jwt' }, origin: {}, door: 'ws' };

function registry(): RpcRegistry {
  const rpc = new RpcRegistry();
  rpc.register('echo', { params: { type: 'object', required: ['text'], additionalProperties: false, properties: { text: { type: 'string' } } }, handle: (params) => ({ text: params.text }) });
  rpc.register('deny', { handle: () => Promise.reject(ApiError.forbidden('no')) });
  rpc.register('limit', { handle: () => Promise.reject(new ApiError(429, 'RATE_LIMIT_EXCEEDED', 'slow down', { headers: { 'Retry-After': '3' } })) });
  rpc.register('boom', { handle: () => Promise.reject(new Error('secret internals')) });
  rpc.register('mcpOnly', { doors: ['mcp'], handle: () => 'x' });
  return rpc;
}

describe('JSON-RPC dispatch', () => {
  it('answers a request and stays silent for a notification', async () => {
    expect(await registry().handleFrame('{"jsonrpc":"2.0","id":1,"method":"echo","params":{"text":"hi"}}', context)).toEqual({ jsonrpc: '2.0', id: 1, result: { text: 'hi' } });
    expect(await registry().handleFrame('{"jsonrpc":"2.0","method":"echo","params":{"text":"hi"}}', context)).toBeNull();
  });

  it.each([
    ['{not json', -32700, null],
    ['[]', -32600, null],
    ['42', -32600, null],
    ['{"jsonrpc":"1.0","id":7,"method":"echo"}', -32600, 7],
    ['{"jsonrpc":"2.0","id":{"x":1},"method":"echo"}', -32600, null],
    ['{"jsonrpc":"2.0","id":2,"method":"nope"}', -32601, 2],
    ['{"jsonrpc":"2.0","id":3,"method":"mcpOnly"}', -32601, 3],
    ['{"jsonrpc":"2.0","id":4,"method":"echo","params":{"text":5,"x":1}}', -32602, 4],
    ['{"jsonrpc":"2.0","id":5,"method":"echo","params":"text"}', -32600, 5],
  ])('%s -> %i', async (frame, code, id) => {
    expect(await registry().handleFrame(frame, context)).toMatchObject({ jsonrpc: '2.0', id, error: { code } });
  });

  it('puts validation details and REST codes in error.data; hides internal errors', async () => {
    const invalid = await registry().handleFrame('{"jsonrpc":"2.0","id":1,"method":"echo","params":{}}', context);
    expect(invalid).toMatchObject({ error: { code: -32602, data: { code: 'VALIDATION_ERROR', details: [{ field: 'text', code: 'REQUIRED' }] } } });
    expect(await registry().handleFrame('{"jsonrpc":"2.0","id":1,"method":"deny"}', context)).toMatchObject({ error: { code: -32003, data: { code: 'FORBIDDEN' } } });
    expect(await registry().handleFrame('{"jsonrpc":"2.0","id":1,"method":"limit"}', context)).toMatchObject({ error: { code: -32029, data: { code: 'RATE_LIMIT_EXCEEDED', retryAfter: 3 } } });
    const boom = await registry().handleFrame('{"jsonrpc":"2.0","id":1,"method":"boom"}', context);
    expect(boom).toMatchObject({ error: { code: -32603, message: 'Internal error' } });
    expect(JSON.stringify(boom)).not.toContain('secret internals');
  });

  it('answers batches in full, leaving out notifications', async () => {
    const replies = await registry().handleFrame('[{"jsonrpc":"2.0","id":1,"method":"echo","params":{"text":"a"}},{"jsonrpc":"2.0","method":"echo","params":{"text":"b"}},{"jsonrpc":"2.0","id":2,"method":"nope"},7]', context);
    expect(replies).toEqual([
      { jsonrpc: '2.0', id: 1, result: { text: 'a' } },
      expect.objectContaining({ id: 2, error: expect.objectContaining({ code: -32601 }) }),
      expect.objectContaining({ id: null, error: expect.objectContaining({ code: -32600 }) }),
    ]);
    expect(await registry().handleFrame('[{"jsonrpc":"2.0","method":"echo","params":{"text":"b"}}]', context)).toBeNull();
  });

  it('hands the client’s answers to the door and replies nothing; without a door to take them they are invalid requests', async () => {
    const answers: unknown[] = [];
    const withDoor: RpcContext = { ...context, onResponse: (response) => void answers.push(response) };
    const batch = '[{"jsonrpc":"2.0","id":"srv-1","result":{"ok":true}},{"jsonrpc":"2.0","id":2,"error":{"code":-1,"message":"no"}},{"jsonrpc":"2.0","id":3,"method":"echo","params":{"text":"c"}}]';
    expect(await registry().handleFrame(batch, withDoor)).toEqual([{ jsonrpc: '2.0', id: 3, result: { text: 'c' } }]);
    expect(answers).toEqual([
      { jsonrpc: '2.0', id: 'srv-1', result: { ok: true } },
      { jsonrpc: '2.0', id: 2, error: { code: -1, message: 'no' } },
    ]);
    // No id, or a method as well: not an answer.
    expect(await registry().handleFrame('{"jsonrpc":"2.0","result":{}}', withDoor)).toMatchObject({ error: { code: -32600 } });
    expect(await registry().handleFrame('{"jsonrpc":"2.0","id":1,"result":{}}', context)).toMatchObject({ id: 1, error: { code: -32600 } });
  });

  it('counts each message of a batch against the door\u2019s limit: past it, requests get the refusal under their ids, notifications nothing', async () => {
    const refusal = { code: -32029, message: 'slow down', data: { code: 'RATE_LIMIT_EXCEEDED' } };
    let budget = 2;
    const limited: RpcContext = { ...context, admit: () => (budget-- > 0 ? undefined : refusal) };
    const rpc = registry();
    const batch = '[{"jsonrpc":"2.0","id":1,"method":"echo","params":{"text":"a"}},{"jsonrpc":"2.0","method":"echo","params":{"text":"b"}},{"jsonrpc":"2.0","id":"b1","method":"echo","params":{"text":"c"}},{"jsonrpc":"2.0","method":"echo"},{"jsonrpc":"2.0","id":null,"method":"echo"},7]';
    expect(await rpc.handleFrame(batch, limited)).toEqual([
      { jsonrpc: '2.0', id: 1, result: { text: 'a' } },
      { jsonrpc: '2.0', id: 'b1', error: refusal },
      { jsonrpc: '2.0', id: null, error: refusal },
      { jsonrpc: '2.0', id: null, error: refusal },
    ]);
    expect(await rpc.handleFrame('[{"jsonrpc":"2.0","method":"echo"},{"jsonrpc":"2.0","id":"r","result":{}}]', { ...limited, onResponse: () => undefined })).toBeNull();
    // A frame refused whole (unparsable, empty batch) counts too, and gets the refusal once over.
    expect(await rpc.handleFrame('{oops', limited)).toEqual({ jsonrpc: '2.0', id: null, error: refusal });
    expect(await rpc.handleFrame('[]', limited)).toEqual({ jsonrpc: '2.0', id: null, error: refusal });
    budget = 1;
    expect(await rpc.handleFrame('{oops', limited)).toMatchObject({ error: { code: -32700 } });
    expect(budget).toBe(0);
  });

  it('lets a cancellable request be cancelled from its own session only; a cancelled one gets no response', async () => {
    const rpc = registry();
    rpc.register('wait', { cancellable: true, handle: (_params, ctx) => new Promise((resolve) => ctx.cancellation?.onCancel((reason) => resolve({ cancelled: reason }))) });
    const inFlight = new InFlightRequests();
    const session = { ...context, sessionId: 's1', inFlight };
    const waiting = rpc.handleMessage({ jsonrpc: '2.0', id: 7, method: 'wait' }, session);
    expect(inFlight.cancel('s2', 7, 'not yours')).toBe(false);
    expect(inFlight.cancel('s1', '7', 'another id')).toBe(false);
    expect(inFlight.cancel('s1', 7, 'changed my mind')).toBe(true);
    expect(await waiting).toBeNull();
    expect(inFlight.cancel('s1', 7, 'again')).toBe(false);
    // Not cancellable: echo answers as usual, and has nothing to cancel.
    expect(await rpc.handleMessage({ jsonrpc: '2.0', id: 8, method: 'echo', params: { text: 'x' } }, session)).toEqual({ jsonrpc: '2.0', id: 8, result: { text: 'x' } });
  });
});
