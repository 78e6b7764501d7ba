import type { Context, CreatedApiKey } from '@app/contracts';
import { addHttpUpstream, type LoggedInUser, registerAndLogin, registerAndLoginAs, startMcpTestServer, useTestApp } from '@app/testing';
import { beforeAll, describe, expect, it } from 'vitest';

interface SseMessage {
  event: string;
  id: string;
  data: { event: string; timestamp: string; data: Record<string, unknown> };
}

/** A real EventSource-style reader over fetch: collects parsed messages until closed. */
async function follow(baseUrl: string, auth: Record<string, string>, types?: string, servers?: string) {
  const controller = new AbortController();
  const query = new URLSearchParams({ ...(types ? { types } : {}), ...(servers ? { servers } : {}) }).toString();
  const response = await fetch(`${baseUrl}/api/v1/events${query ? `?${query}` : ''}`, { headers: auth, signal: controller.signal });
  const messages: SseMessage[] = [];
  let ended = false;
  let buffer = '';
  const decoder = new TextDecoder();
  const reading = (async () => {
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let split: number;
        while ((split = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, split);
          buffer = buffer.slice(split + 2);
          const fields = Object.fromEntries(block.split('\n').filter((line) => !line.startsWith(':') && line.includes(': ')).map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]));
          if (fields.data) messages.push({ event: fields.event, id: fields.id, data: JSON.parse(fields.data) as SseMessage['data'] });
        }
      }
    } catch {
      // aborted
    }
    ended = true;
  })();
  return {
    response,
    messages,
    ended: () => ended,
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}

const until = async (check: () => boolean, timeoutMs = 5000): Promise<void> => {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('GET /events (Server-Sent Events)', () => {
  const t = useTestApp();
  let admin: LoggedInUser;
  let alice: LoggedInUser;
  let bob: LoggedInUser;

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    alice = await registerAndLogin(t.client);
    bob = await registerAndLogin(t.client);
  });

  it('streams events with the WebSocket visibility rules: admins all, users their own', async () => {
    const adminStream = await follow(t.baseUrl, admin.auth);
    const aliceStream = await follow(t.baseUrl, alice.auth, 'context.created,tool.executed');
    const bobStream = await follow(t.baseUrl, bob.auth, 'context.created');
    expect(adminStream.response.status).toBe(200);
    expect(adminStream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const created = await t.client.call<Context>('createContext', { headers: alice.auth, body: { name: 'streamed' } });
    await t.client.call('executeTool', { headers: alice.auth, params: { id: 'echo' }, body: { parameters: { message: 'sse' } } });
    const newcomer = await registerAndLogin(t.client);
    await until(() => aliceStream.messages.length >= 2 && adminStream.messages.some((message) => message.event === 'user.created' && message.data.data.userId === newcomer.userId));
    expect(aliceStream.messages.map((message) => message.event)).toEqual(['context.created', 'tool.executed']);
    expect(aliceStream.messages[0].data).toMatchObject({ event: 'context.created', data: { contextId: created.body.id, userId: alice.userId } });
    expect(aliceStream.messages[0].id).toMatch(/^[0-9a-f-]{36}$/);
    expect(adminStream.messages.map((message) => message.event)).toEqual(expect.arrayContaining(['context.created', 'tool.executed', 'user.created']));
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Bob follows context.created too, but Alice's is not his to see.
    expect(bobStream.messages).toEqual([]);
    for (const stream of [adminStream, aliceStream, bobStream]) await stream.close();
  });

  it('user.security reaches the account concerned and admins, nobody else', async () => {
    const carol = await registerAndLogin(t.client);
    const carolStream = await follow(t.baseUrl, carol.auth, 'user.security');
    const bobStream = await follow(t.baseUrl, bob.auth, 'user.security');
    const adminStream = await follow(t.baseUrl, admin.auth, 'user.security');
    expect((await t.client.call('createApiKey', { headers: carol.auth, body: { name: 'watched', scopes: ['read:tools'] } })).status).toBe(201);
    await until(() => carolStream.messages.length >= 1 && adminStream.messages.length >= 1);
    expect(carolStream.messages[0].data).toMatchObject({ event: 'user.security', data: { userId: carol.userId, change: 'apikey.created', actorId: carol.userId } });
    expect(adminStream.messages[0].data.data).toMatchObject({ userId: carol.userId, change: 'apikey.created' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(bobStream.messages).toEqual([]);
    for (const stream of [carolStream, bobStream, adminStream]) await stream.close();
  });

  it('ends the stream when the caller’s session is terminated', async () => {
    const stream = await follow(t.baseUrl, bob.auth);
    const session = JSON.parse(Buffer.from(bob.accessToken.split('.')[1], 'base64url').toString()) as { sid: string };
    await t.client.call('terminateSession', { headers: admin.auth, params: { id: session.sid } });
    await until(() => stream.ended());
    await stream.close();
  });

  it('ends a stream whose API key is revoked, or whose user loses rights; others keep streaming', async () => {
    const owner = await registerAndLogin(t.client);
    const key = await t.client.call<CreatedApiKey>('createApiKey', { headers: owner.auth, body: { name: 'sse', scopes: ['read:tools'] } });
    const viaKey = await follow(t.baseUrl, { authorization: `ApiKey ${key.body.key}` });
    const viaLogin = await follow(t.baseUrl, owner.auth);
    expect([viaKey.response.status, viaLogin.response.status]).toEqual([200, 200]);
    expect((await t.client.call('revokeApiKey', { headers: owner.auth, params: { id: key.body.id } })).status).toBe(204);
    await until(() => viaKey.ended());
    const demoted = await registerAndLoginAs(t, ['developer']);
    const demotedStream = await follow(t.baseUrl, demoted.auth);
    await t.client.call('updateUserRoles', { headers: admin.auth, params: { id: demoted.userId }, body: { roles: ['user'] } });
    await until(() => demotedStream.ended());
    // Neither change was the login stream's to lose: it still streams.
    await t.client.call('createContext', { headers: owner.auth, body: { name: 'still here' } });
    await until(() => viaLogin.messages.some((message) => message.event === 'context.created'));
    expect(viaLogin.ended()).toBe(false);
    for (const stream of [viaKey, viaLogin, demotedStream]) await stream.close();
  });

  it('follows only the servers named in servers: events about others, or about none, stay out', async () => {
    const remote = await startMcpTestServer();
    try {
      const a = await addHttpUpstream(t.client, admin, 'watched', remote.url);
      const b = await addHttpUpstream(t.client, admin, 'unwatched', remote.url);
      expect([a.status, b.status]).toEqual([201, 201]);
      const watched = await follow(t.baseUrl, admin.auth, undefined, a.body.id.toUpperCase());
      const everything = await follow(t.baseUrl, admin.auth, 'server.disconnected,context.created');
      expect(watched.response.status).toBe(200);
      await t.client.call('createContext', { headers: admin.auth, body: { name: 'about no server' } });
      for (const server of [a.body, b.body]) expect((await t.client.call('disconnectServer', { headers: admin.auth, params: { id: server.id } })).status).toBe(200);
      await until(() => everything.messages.filter((message) => message.event === 'server.disconnected').length === 2);
      await until(() => watched.messages.length >= 1);
      expect(watched.messages.map((message) => [message.event, message.data.data.serverId])).toEqual([['server.disconnected', a.body.id]]);
      await Promise.all([watched.close(), everything.close()]);
    } finally {
      await remote.close();
    }
    const bad = await t.client.raw('GET', '/api/v1/events?servers=not-a-server', { headers: admin.auth });
    expect([bad.status, (bad.body as { details: Array<{ field: string }> }).details[0].field]).toEqual([400, 'servers']);
  });

  it('refuses unknown types (400) and anonymous callers (401) with the envelope', async () => {
    const unknown = await t.client.raw('GET', '/api/v1/events?types=context.created,secrets.leaked', { headers: alice.auth });
    expect(unknown.status).toBe(400);
    expect((unknown.body as { details: Array<{ field: string }> }).details[0].field).toBe('types');
    expect((await t.client.raw('GET', '/api/v1/events?types=%3Cscript%3E', { headers: alice.auth })).status).toBe(400);
    expect((await t.client.raw('GET', '/api/v1/events')).status).toBe(401);
  });
});
