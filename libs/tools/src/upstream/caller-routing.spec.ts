import { describe, expect, it } from 'vitest';
import type { ToolRunContext } from '../tool.types';
import { CallerRouting, canonicalJson, messageOfEvent } from './caller-routing';

const call = (name: string): ToolRunContext => ({ executionId: name, signal: new AbortController().signal, caller: { id: name, email: `${name}@x.test`, roles: [], permissions: [], via: 'jwt' } }) as ToolRunContext;

/** A response whose body arrives in the given chunks. */
function streamed(chunks: string[]): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

describe('canonicalJson', () => {
  it('is the same for the same value whatever the key order, and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
});

describe('messageOfEvent', () => {
  it('joins data lines, accepts "data:" with or without a space, and ignores what is not a JSON object', () => {
    expect(messageOfEvent('event: message\nid: 4\ndata: {"jsonrpc":"2.0",\ndata:"id":1}')).toEqual({ jsonrpc: '2.0', id: 1 });
    expect(messageOfEvent(': keep-alive')).toBeUndefined();
    expect(messageOfEvent('data: [1,2]')).toBeUndefined();
    expect(messageOfEvent('data: {not json')).toBeUndefined();
  });
});

describe('CallerRouting', () => {
  it('notes the requests and log messages of a call\u2019s stream, however the bytes are split, and passes every byte on', async () => {
    const routing = new CallerRouting(true);
    const mine = call('mine');
    const wire = [
      'event: message\r\ndata: {"jsonrpc":"2.0","id":7,"method":"sampling/createMessage","params":{}}\r\n\r\n',
      'data: {"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":{"n":1}}}\n\n',
      'data: {"jsonrpc":"2.0","id":"s-1","method":"elicitation/create","params":{}}\n\n',
    ].join('');
    const chunks = [wire.slice(0, 13), wire.slice(13, 90), wire.slice(90, 91), wire.slice(91)];
    let text = '';
    await routing.run(mine, async () => {
      text = await routing.route(streamed(chunks), mine).text();
      expect(routing.callForRequest(7)).toBe(mine);
      expect(routing.callForRequest('s-1')).toBe(mine);
      expect(routing.callForRequest('7')).toBeUndefined();
      // The SDK hands the log over parsed again, its keys in another order: it still matches.
      expect(routing.callForLog({ data: { n: 1 }, level: 'info' })).toBe(mine);
      expect(routing.callForLog({ data: { n: 1 }, level: 'info' })).toBeUndefined();
    });
    expect(text).toBe(wire);
  });

  it('forgets a call\u2019s routes when the call ends, and leaves other streams alone', async () => {
    const routing = new CallerRouting(true);
    const ended = call('ended');
    await routing.run(ended, async () => {
      await routing.route(streamed(['data: {"jsonrpc":"2.0","id":1,"method":"sampling/createMessage"}\n\n']), ended).text();
    });
    expect(routing.callForRequest(1)).toBeUndefined();
    const json = new Response('{"jsonrpc":"2.0","id":1,"result":{}}', { headers: { 'content-type': 'application/json' } });
    expect(routing.route(json, ended)).toBe(json);
  });

  it('without exact routing (stdio, SSE), answers a request only while exactly one call is in flight, and routes no logs', async () => {
    const routing = new CallerRouting(false);
    const first = call('first');
    const second = call('second');
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const running = routing.run(first, () => held);
    expect(routing.callForRequest(1)).toBe(first);
    const both = routing.run(second, () => held);
    expect(routing.callForRequest(2)).toBeUndefined();
    release();
    await Promise.all([running, both]);
    expect(routing.callForRequest(3)).toBeUndefined();
  });
});
