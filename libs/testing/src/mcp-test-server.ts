import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import { McpServer, type RegisteredTool, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CreateMessageResultSchema,
  ElicitResultSchema,
  ErrorCode,
  isInitializeRequest,
  type JSONRPCMessage,
  JSONRPCMessageSchema,
  McpError,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';

export interface McpTestServer {
  readonly url: string;
  /** The same server over WebSocket (subprotocol `mcp`, one JSON-RPC message per text frame). */
  readonly wsUrl: string;
  /** The same server over the older HTTP+SSE transport (GET the stream, POST to the endpoint it names). */
  readonly sseUrl: string;
  /** Calls received per tool name. */
  readonly calls: Map<string, number>;
  /** The Authorization header of the latest request, to check what the gateway sent. */
  lastAuthorization(): string | undefined;
  /** The traceparent header of the latest request that carried one (the gateway continuing a trace). */
  lastTraceparent(): string | undefined;
  /** The common name of the client certificate shown on the latest request (over TLS with `clientCa`). */
  lastClientCertificate(): string | undefined;
  /** Tokens its own OAuth endpoint (POST /oauth/token, answering TOKEN_ISSUED) gave out. */
  tokensIssued(): number;
  /** The `_meta` of the latest request of this method over Streamable HTTP (undefined: none, or it carried none). */
  lastMeta(method: string): Record<string, unknown> | undefined;
  /** From now on, requests and upgrades whose Authorization header is not one of these get 401 (undefined: any is fine). */
  requireAuthorization(accepted: readonly string[] | undefined): void;
  /** Registers one more tool on every open session (each client gets tools/list_changed) and on new ones. */
  addTool(name: string): void;
  /** Rewrites echo's description on every open session and for new ones (clients get tools/list_changed). */
  describeEcho(description: string): void;
  /** The next `times` calls of `flaky` get HTTP 503 (a transient transport failure), then it works. */
  failNext(times: number): void;
  /** Tells every session subscribed to `uri` that it changed (notifications/resources/updated). */
  updateResource(uri: string): Promise<void>;
  /** How many sessions are subscribed to `uri` right now. */
  subscriptions(uri: string): number;
  /** Stops answering (the port closes), as a crashed server would. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** One WebSocket connection as an SDK server transport (the SDK ships a WebSocket client only). */
class WebSocketServerTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  constructor(private readonly socket: WebSocket) {}

  async start(): Promise<void> {
    this.socket.on('message', (data: RawData) => {
      let message: JSONRPCMessage;
      try {
        message = JSONRPCMessageSchema.parse(JSON.parse(data.toString()));
      } catch (error) {
        this.onerror?.(error as Error);
        return;
      }
      this.onmessage?.(message);
    });
    this.socket.on('close', () => this.onclose?.());
    this.socket.on('error', (error: Error) => this.onerror?.(error));
  }

  async send(message: JSONRPCMessage): Promise<void> {
    this.socket.send(JSON.stringify(message));
  }

  async close(): Promise<void> {
    this.socket.close();
  }
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/**
 * A real MCP server over Streamable HTTP, built with the official SDK, for upstream tests:
 * `echo` (whose description can be rewritten), `slow` (honours cancellation), `fail` (an error result), `progress`, `flaky`, `lookup` (read-only), `whoami` (the headers of its request), `configure`
 * (a writeOnly field nested in an object), and `log`,
 * `sample` and `elicit`, which send their caller log messages, a sampling request and an elicitation
 * request on the call's own stream; one resource, `test://note`, that can be subscribed to; a
 * resource template `test://notes/{id}` and a prompt `greet`, both with argument completions.
 */
/** The access token the test server's own token endpoint gives. */
export const TOKEN_ISSUED = 'issued-by-the-upstream-itself';

export interface McpTestServerOptions {
  /** Serve over TLS (https://, wss://) with this certificate; with `clientCa`, only to clients showing a certificate that CA issued. */
  readonly tls?: { readonly cert: string; readonly key: string; readonly clientCa?: string };
}

export async function startMcpTestServer(options: McpTestServerOptions = {}): Promise<McpTestServer> {
  const calls = new Map<string, number>();
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; server: McpServer }>();
  const sseSessions = new Map<string, { transport: SSEServerTransport; server: McpServer }>();
  const subscribed = new Map<McpServer, Set<string>>();
  let flakyFailures = 0;
  let echoDescription = 'Echo a message';
  const addedTools: string[] = [];
  const addLateTool = (server: McpServer, name: string) =>
    server.registerTool(name, { description: `added later: ${name}`, inputSchema: {} }, async () => ({ content: [{ type: 'text', text: name }] }));
  const echoTools = new Map<McpServer, RegisteredTool>();
  let authorization: string | undefined;
  let traceparent: string | undefined;
  let clientCertificate: string | undefined;
  let tokensIssued = 0;
  const noteClientCertificate = (request: IncomingMessage): void => {
    if (!(request.socket instanceof TLSSocket)) return;
    const name: string | string[] | undefined = request.socket.getPeerCertificate().subject?.CN;
    clientCertificate = Array.isArray(name) ? name.join(',') : name;
  };
  const metaByMethod = new Map<string, Record<string, unknown> | undefined>();
  let accepted: readonly string[] | undefined;
  const refused = (value: string | undefined): boolean => accepted !== undefined && !accepted.includes(value ?? '');
  const count = (name: string) => calls.set(name, (calls.get(name) ?? 0) + 1);

  function build(): McpServer {
    const server = new McpServer({ name: 'test-upstream', version: '1.2.3' }, { capabilities: { tools: { listChanged: true }, resources: { subscribe: true }, logging: {} } });
    server.registerResource('note', 'test://note', { mimeType: 'text/plain' }, async (uri) => ({ contents: [{ uri: uri.href, text: 'a note' }] }));
    server.registerResource('broken', 'test://broken', { mimeType: 'text/plain' }, async () => {
      throw new McpError(ErrorCode.InternalError, 'the disk is on fire');
    });
    // Completions: a prompt argument and a resource template variable.
    const complete = (pool: string[]) => (value: string) => pool.filter((candidate) => candidate.startsWith(value));
    server.registerResource('notes', new ResourceTemplate('test://notes/{id}', { list: undefined, complete: { id: complete(['1', '12', '2']) } }), { mimeType: 'text/plain' }, async (uri, { id }) => ({ contents: [{ uri: uri.href, text: `note ${String(id)}` }] }));
    server.registerPrompt('greet', { description: 'Greets someone', argsSchema: { name: completable(z.string(), complete(['Ada', 'Alan', 'Grace'])) } }, ({ name }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Greet ${name}` } }] }));
    const uris = new Set<string>();
    subscribed.set(server, uris);
    server.server.setRequestHandler(SubscribeRequestSchema, (request) => {
      uris.add(request.params.uri);
      return {};
    });
    server.server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
      uris.delete(request.params.uri);
      return {};
    });
    const echo = server.registerTool('echo', { description: echoDescription, inputSchema: { message: z.string().max(10_000) } }, async ({ message }) => {
      count('echo');
      return { content: [{ type: 'text', text: `echo: ${message}` }] };
    });
    echoTools.set(server, echo);
    for (const name of addedTools) addLateTool(server, name);
    server.registerTool('slow', { description: 'Waits ms milliseconds', inputSchema: { ms: z.number().int().min(0).max(60_000) } }, async ({ ms }, extra) => {
      count('slow');
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, ms);
        extra.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          count('slow:cancelled');
          reject(new Error('cancelled'));
        });
      });
      return { content: [{ type: 'text', text: `slept ${ms} ms` }] };
    });
    server.registerTool('fail', { description: 'Always answers an error result', inputSchema: {} }, async () => {
      count('fail');
      return { isError: true, content: [{ type: 'text', text: 'this tool always fails' }] };
    });
    server.registerTool('progress', { description: 'Reports each of its steps as progress when asked for it', inputSchema: { steps: z.number().int().min(1).max(20) } }, async ({ steps }, extra) => {
      count('progress');
      const token = extra._meta?.progressToken;
      for (let step = 1; step <= steps; step++) {
        if (token !== undefined) await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: step, total: steps, message: `step ${step}` } });
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return { content: [{ type: 'text', text: `${steps} steps${token === undefined ? ' (no progress token)' : ''}` }] };
    });
    server.registerTool('log', { description: 'Sends one log message per level, tagged, then answers', inputSchema: { tag: z.string().max(100) } }, async ({ tag }, extra) => {
      count('log');
      for (const level of ['debug', 'info', 'warning', 'error'] as const) {
        await extra.sendNotification({ method: 'notifications/message', params: { level, logger: 'test-upstream', data: { tag, level } } });
        // Spread out, so that concurrent callers' messages interleave.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return { content: [{ type: 'text', text: `logged 4 messages for ${tag}` }] };
    });
    server.registerTool('sample', { description: 'Asks the client to sample a completion of the prompt', inputSchema: { prompt: z.string().max(1000) } }, async ({ prompt }, extra) => {
      count('sample');
      try {
        const result = await extra.sendRequest({ method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens: 50 } }, CreateMessageResultSchema);
        return { content: [{ type: 'text', text: `sampled: ${result.content.type === 'text' ? result.content.text : result.content.type}` }] };
      } catch (error) {
        return { isError: true, content: [{ type: 'text', text: `sampling failed: ${(error as Error).message}` }] };
      }
    });
    server.registerTool('elicit', { description: 'Asks the user (through the client) for a name', inputSchema: { question: z.string().max(1000) } }, async ({ question }, extra) => {
      count('elicit');
      try {
        const requestedSchema = { type: 'object' as const, properties: { name: { type: 'string' as const } }, required: ['name'] };
        const result = await extra.sendRequest({ method: 'elicitation/create', params: { mode: 'form', message: question, requestedSchema } }, ElicitResultSchema);
        return { content: [{ type: 'text', text: `elicited: ${JSON.stringify({ action: result.action, content: result.content })}` }] };
      } catch (error) {
        return { isError: true, content: [{ type: 'text', text: `elicitation failed: ${(error as Error).message}` }] };
      }
    });
    server.registerTool('client_capabilities', { description: 'Answers the capabilities its client (the gateway) declared', inputSchema: {} }, async () => ({
      content: [{ type: 'text', text: JSON.stringify(server.server.getClientCapabilities() ?? {}) }],
    }));
    // A secret below the top level: the gateway must redact `config.pin` wherever it stores parameters.
    server.registerTool('configure', { description: 'Takes a nested config whose pin is writeOnly', inputSchema: { config: z.object({ pin: z.string().max(100).meta({ writeOnly: true }), label: z.string().max(100).optional() }) } }, async ({ config }) => {
      count('configure');
      return { content: [{ type: 'text', text: `configured ${config.label ?? 'without label'}` }] };
    });
    // Read-only by its annotation; its answer counts the calls, so a test can tell a kept answer from a new one.
    server.registerTool(
      'lookup',
      { description: 'Looks a key up (read-only); answers which call this was', inputSchema: { key: z.string().max(100), filter: z.object({ a: z.number(), b: z.number() }).partial().optional() }, annotations: { readOnlyHint: true } },
      async ({ key }) => {
        count('lookup');
        if (key === 'missing') return { content: [{ type: 'text', text: `no ${key}` }], isError: true };
        return { content: [{ type: 'text', text: `${key} #${calls.get('lookup')}` }] };
      },
    );
    server.registerTool('call_meta', { description: "Answers the _meta its call came with (progress token left out)", inputSchema: {} }, async (_input, extra) => {
      const { progressToken: _progress, ...meta } = extra._meta ?? {};
      return { content: [{ type: 'text', text: JSON.stringify(meta) }], structuredContent: meta };
    });
    // Who the gateway says it is: the headers this call came with.
    server.registerTool('whoami', { description: 'Answers the Authorization and X-Org headers of its request', inputSchema: {} }, async (_input, extra) => {
      const headers = extra.requestInfo?.headers ?? {};
      const seen = { authorization: headers.authorization ?? null, org: headers['x-org'] ?? null };
      return { content: [{ type: 'text', text: JSON.stringify(seen) }], structuredContent: seen };
    });
    server.registerTool('flaky', { description: 'Answers ok; failNext() makes its calls fail first', inputSchema: {} }, async () => {
      count('flaky');
      return { content: [{ type: 'text', text: 'ok' }] };
    });
    return server;
  }

  const tls = options.tls;
  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    void (async () => {
      noteClientCertificate(request);
      // An OAuth token endpoint on the server itself (client credentials: any client gets TOKEN_ISSUED).
      if (request.method === 'POST' && new URL(request.url ?? '/', 'http://localhost').pathname === '/oauth/token') {
        tokensIssued++;
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: TOKEN_ISSUED, token_type: 'Bearer', expires_in: 3600 }));
        return;
      }
      authorization = request.headers.authorization;
      if (typeof request.headers.traceparent === 'string') traceparent = request.headers.traceparent;
      if (refused(authorization)) {
        response.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer error="invalid_token"' }).end(JSON.stringify({ error: 'invalid_token' }));
        return;
      }
      const sessionId = request.headers['mcp-session-id'];
      const body = request.method === 'POST' ? await readJson(request) : undefined;
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (path === '/sse' && request.method === 'GET') {
        const server = build();
        const transport = new SSEServerTransport('/messages', response);
        sseSessions.set(transport.sessionId, { transport, server });
        response.on('close', () => sseSessions.delete(transport.sessionId));
        await server.connect(transport);
        return;
      }
      if (path === '/messages' && request.method === 'POST') {
        const entry = sseSessions.get(new URL(request.url ?? '/', 'http://localhost').searchParams.get('sessionId') ?? '');
        if (!entry) {
          response.writeHead(404).end('no such session');
          return;
        }
        await entry.transport.handlePostMessage(request, response, body);
        return;
      }
      const call = body as { method?: string; params?: { name?: string; _meta?: Record<string, unknown> } } | undefined;
      if (typeof call?.method === 'string') metaByMethod.set(call.method, call.params?._meta);
      if (flakyFailures > 0 && call?.method === 'tools/call' && call.params?.name === 'flaky') {
        flakyFailures--;
        count('flaky:503');
        response.writeHead(503).end('temporarily unavailable');
        return;
      }
      let entry = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
      if (!entry) {
        if (sessionId || request.method !== 'POST' || !isInitializeRequest(body)) {
          response.writeHead(sessionId ? 404 : 400, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'No valid session' }, id: null }));
          return;
        }
        const server = build();
        const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id) => void sessions.set(id, { transport, server }),
          onsessionclosed: (id) => void sessions.delete(id),
        });
        entry = { transport, server };
        await server.connect(transport);
      }
      await entry.transport.handleRequest(request, response, body);
    })().catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
    });
  };
  const http: Server = tls
    ? (createHttpsServer({ cert: tls.cert, key: tls.key, ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}) }, handle) as unknown as Server)
    : createServer(handle);
  // MCP over WebSocket on /ws: a server of its own per connection, as per HTTP session.
  const wsServers = new Set<McpServer>();
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('mcp') ? 'mcp' : false) });
  http.on('upgrade', (request, socket, head) => {
    noteClientCertificate(request);
    authorization = request.headers.authorization;
    if (refused(authorization)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (client) => {
      const server = build();
      wsServers.add(server);
      client.on('close', () => wsServers.delete(server));
      void server.connect(new WebSocketServerTransport(client));
    });
  });
  const servers = (): McpServer[] => [...[...sessions.values(), ...sseSessions.values()].map(({ server }) => server), ...wsServers];

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  const [web, socket] = tls ? ['https', 'wss'] : ['http', 'ws'];
  const url = `${web}://127.0.0.1:${port}/mcp`;

  const stop = async () => {
    for (const client of wss.clients) client.terminate();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  };
  return {
    url,
    wsUrl: `${socket}://127.0.0.1:${port}/ws`,
    sseUrl: `${web}://127.0.0.1:${port}/sse`,
    lastClientCertificate: () => clientCertificate,
    tokensIssued: () => tokensIssued,
    calls,
    lastAuthorization: () => authorization,
    lastTraceparent: () => traceparent,
    lastMeta: (method) => metaByMethod.get(method),
    requireAuthorization: (values) => {
      accepted = values;
    },
    addTool: (name) => {
      addedTools.push(name);
      for (const server of servers()) addLateTool(server, name);
    },
    describeEcho: (description) => {
      echoDescription = description;
      for (const echo of echoTools.values()) echo.update({ description });
    },
    failNext: (times) => {
      flakyFailures = times;
    },
    updateResource: async (uri) => {
      await Promise.all(servers().filter((server) => subscribed.get(server)?.has(uri)).map((server) => server.server.sendResourceUpdated({ uri })));
    },
    subscriptions: (uri) => servers().filter((server) => subscribed.get(server)?.has(uri)).length,
    stop,
    close: async () => {
      await Promise.all(servers().map((server) => server.close().catch(() => undefined)));
      if (http.listening) await stop();
    },
  };
}
