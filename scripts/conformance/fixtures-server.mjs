// The MCP conformance suite's server fixtures (@modelcontextprotocol/conformance 0.1.16, server
// scenarios), served by the official SDK over stateful Streamable HTTP. The gateway connects to it
// as an upstream; the suite then talks to the gateway. Every tool, resource, template and prompt
// below is what a scenario asks for, with the exact names, arguments and content it checks.
//
//   import { startFixturesServer } from './fixtures-server.mjs';
//   const fixtures = await startFixturesServer(); // { url: 'http://127.0.0.1:<port>/mcp', close() }
//
// Run directly (`node scripts/conformance/fixtures-server.mjs`) it serves until interrupted.

import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  CompleteRequestSchema,
  CreateMessageResultSchema,
  ElicitResultSchema,
  GetPromptRequestSchema,
  isInitializeRequest,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ErrorCode,
  ReadResourceRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';

/** 1x1 red PNG. */
export const TEST_IMAGE_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
/** A minimal (empty, 8 kHz mono 16-bit) WAV file. */
export const TEST_AUDIO_BASE64 = 'UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=';

const NO_ARGS = { type: 'object', properties: {} };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const text = (value) => ({ type: 'text', text: value });

/** SEP-1613 (scenario json-schema-2020-12): these keywords must survive the tool listing. */
const JSON_SCHEMA_2020_12 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  $defs: { address: { type: 'object', properties: { street: { type: 'string' }, city: { type: 'string' } } } },
  properties: { name: { type: 'string' }, address: { $ref: '#/$defs/address' } },
  additionalProperties: false,
};

const TOOLS = [
  { name: 'test_simple_text', description: 'Returns simple text content', inputSchema: NO_ARGS },
  { name: 'test_image_content', description: 'Returns image content (1x1 PNG)', inputSchema: NO_ARGS },
  { name: 'test_audio_content', description: 'Returns audio content (WAV)', inputSchema: NO_ARGS },
  { name: 'test_embedded_resource', description: 'Returns an embedded text resource', inputSchema: NO_ARGS },
  { name: 'test_multiple_content_types', description: 'Returns text, image and embedded resource content', inputSchema: NO_ARGS },
  { name: 'test_tool_with_logging', description: 'Sends three info log notifications while it runs', inputSchema: NO_ARGS },
  { name: 'test_tool_with_progress', description: 'Reports progress 0/100, 50/100, 100/100 when given a progress token', inputSchema: NO_ARGS },
  { name: 'test_error_handling', description: 'Always fails with isError: true', inputSchema: NO_ARGS },
  {
    name: 'test_sampling',
    description: 'Asks the client for an LLM completion (sampling/createMessage)',
    inputSchema: { type: 'object', properties: { prompt: { type: 'string', description: 'The prompt to send to the LLM' } }, required: ['prompt'] },
  },
  {
    name: 'test_elicitation',
    description: 'Asks the client for user input (elicitation/create)',
    inputSchema: { type: 'object', properties: { message: { type: 'string', description: 'The message to show the user' } }, required: ['message'] },
  },
  { name: 'test_elicitation_sep1034_defaults', description: 'Elicitation whose schema has defaults for every primitive type (SEP-1034)', inputSchema: NO_ARGS },
  { name: 'test_elicitation_sep1330_enums', description: 'Elicitation with the five enum schema variants (SEP-1330)', inputSchema: NO_ARGS },
  { name: 'json_schema_2020_12_tool', description: 'Tool with JSON Schema 2020-12 features', inputSchema: JSON_SCHEMA_2020_12 },
  { name: 'test_reconnection', description: 'Closes its SSE stream mid-call, then answers after the client reconnects (SEP-1699)', inputSchema: NO_ARGS },
];

const RESOURCES = [
  { uri: 'test://static-text', name: 'static-text', description: 'A static text resource', mimeType: 'text/plain' },
  { uri: 'test://static-binary', name: 'static-binary', description: 'A static binary resource (1x1 PNG)', mimeType: 'image/png' },
  { uri: 'test://watched-resource', name: 'watched-resource', description: 'A resource clients can subscribe to', mimeType: 'text/plain' },
];

const TEMPLATES = [{ uriTemplate: 'test://template/{id}/data', name: 'template-data', description: 'Data for an id (parameter substitution)', mimeType: 'application/json' }];

const PROMPTS = [
  { name: 'test_simple_prompt', description: 'A prompt without arguments' },
  {
    name: 'test_prompt_with_arguments',
    description: 'A prompt with two required arguments',
    arguments: [
      { name: 'arg1', description: 'First test argument', required: true },
      { name: 'arg2', description: 'Second test argument', required: true },
    ],
  },
  {
    name: 'test_prompt_with_embedded_resource',
    description: 'A prompt embedding a resource',
    arguments: [{ name: 'resourceUri', description: 'URI of the resource to embed', required: true }],
  },
  { name: 'test_prompt_with_image', description: 'A prompt with image content' },
];

const COMPLETIONS = { arg1: ['paris', 'park', 'party', 'test', 'testing'], arg2: ['world', 'word', 'work'] };

/** Server -> client requests fail honestly when the client did not declare the capability. */
function failure(message) {
  return { isError: true, content: [text(message)] };
}

function createFixtureServer(state) {
  const server = new Server(
    { name: 'mcp-conformance-fixtures', version: '1.0.0' },
    {
      capabilities: {
        tools: { listChanged: true },
        resources: { subscribe: true, listChanged: true },
        prompts: { listChanged: true },
        logging: {},
        completions: {},
      },
    },
  );

  /** A log notification on the request's own stream, filtered by the session's logging/setLevel. */
  const log = async (extra, level, data) => {
    if (server.isMessageIgnored(level, extra.sessionId)) return;
    await extra.sendNotification({ method: 'notifications/message', params: { level, logger: 'conformance-fixtures', data } });
  };

  const elicit = async (extra, params) => {
    if (!server.getClientCapabilities()?.elicitation) return { error: 'the client did not declare the elicitation capability' };
    try {
      return { result: await extra.sendRequest({ method: 'elicitation/create', params: { mode: 'form', ...params } }, ElicitResultSchema) };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  };

  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: TOOLS }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const args = request.params.arguments ?? {};
    switch (request.params.name) {
      case 'test_simple_text':
        return { content: [text('This is a simple text response for testing.')] };
      case 'test_image_content':
        return { content: [{ type: 'image', data: TEST_IMAGE_BASE64, mimeType: 'image/png' }] };
      case 'test_audio_content':
        return { content: [{ type: 'audio', data: TEST_AUDIO_BASE64, mimeType: 'audio/wav' }] };
      case 'test_embedded_resource':
        return { content: [{ type: 'resource', resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' } }] };
      case 'test_multiple_content_types':
        return {
          content: [
            text('Multiple content types test:'),
            { type: 'image', data: TEST_IMAGE_BASE64, mimeType: 'image/png' },
            { type: 'resource', resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: JSON.stringify({ test: 'data', value: 123 }) } },
          ],
        };
      case 'test_tool_with_logging':
        await log(extra, 'info', 'Tool execution started');
        await sleep(50);
        await log(extra, 'info', 'Tool processing data');
        await sleep(50);
        await log(extra, 'info', 'Tool execution completed');
        return { content: [text('Tool with logging executed successfully')] };
      case 'test_tool_with_progress': {
        const progressToken = request.params._meta?.progressToken;
        for (const progress of [0, 50, 100]) {
          if (progress > 0) await sleep(50);
          if (progressToken !== undefined) {
            await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress, total: 100, message: `Completed step ${progress} of 100` } });
          }
        }
        return { content: [text(progressToken === undefined ? 'Tool with progress executed (no progress token was given)' : `Tool with progress executed (token ${String(progressToken)})`)] };
      }
      case 'test_error_handling':
        return { isError: true, content: [text('This tool intentionally returns an error for testing')] };
      case 'test_sampling': {
        if (typeof args.prompt !== 'string') throw new McpError(ErrorCode.InvalidParams, 'prompt (string) is required');
        if (!server.getClientCapabilities()?.sampling) return failure('Sampling is not supported: the client did not declare the sampling capability');
        try {
          const result = await extra.sendRequest(
            { method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: args.prompt } }], maxTokens: 100 } },
            CreateMessageResultSchema,
          );
          const answer = Array.isArray(result.content) ? result.content.find((part) => part.type === 'text')?.text : result.content?.text;
          return { content: [text(`LLM response: ${answer ?? '(no text)'}`)] };
        } catch (error) {
          return failure(`Sampling failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      case 'test_elicitation': {
        if (typeof args.message !== 'string') throw new McpError(ErrorCode.InvalidParams, 'message (string) is required');
        const { result, error } = await elicit(extra, {
          message: args.message,
          requestedSchema: {
            type: 'object',
            properties: { username: { type: 'string', description: "User's response" }, email: { type: 'string', description: "User's email address" } },
            required: ['username', 'email'],
          },
        });
        if (error) return failure(`Elicitation is not supported or failed: ${error}`);
        return { content: [text(`User response: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`)] };
      }
      case 'test_elicitation_sep1034_defaults': {
        const { result, error } = await elicit(extra, {
          message: 'Please review and update the form fields with defaults',
          requestedSchema: {
            type: 'object',
            properties: {
              name: { type: 'string', description: 'User name', default: 'John Doe' },
              age: { type: 'integer', description: 'User age', default: 30 },
              score: { type: 'number', description: 'User score', default: 95.5 },
              status: { type: 'string', description: 'User status', enum: ['active', 'inactive', 'pending'], default: 'active' },
              verified: { type: 'boolean', description: 'Verification status', default: true },
            },
            required: [],
          },
        });
        if (error) return failure(`Elicitation is not supported or failed: ${error}`);
        return { content: [text(`Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`)] };
      }
      case 'test_elicitation_sep1330_enums': {
        const { result, error } = await elicit(extra, {
          message: 'Please select options from the enum fields',
          requestedSchema: {
            type: 'object',
            properties: {
              untitledSingle: { type: 'string', description: 'Untitled single-select', enum: ['option1', 'option2', 'option3'] },
              titledSingle: {
                type: 'string',
                description: 'Titled single-select',
                oneOf: [
                  { const: 'value1', title: 'First Option' },
                  { const: 'value2', title: 'Second Option' },
                  { const: 'value3', title: 'Third Option' },
                ],
              },
              legacyEnum: { type: 'string', description: 'Legacy titled enum', enum: ['opt1', 'opt2', 'opt3'], enumNames: ['Option One', 'Option Two', 'Option Three'] },
              untitledMulti: { type: 'array', description: 'Untitled multi-select', items: { type: 'string', enum: ['option1', 'option2', 'option3'] } },
              titledMulti: {
                type: 'array',
                description: 'Titled multi-select',
                items: {
                  anyOf: [
                    { const: 'value1', title: 'First Choice' },
                    { const: 'value2', title: 'Second Choice' },
                    { const: 'value3', title: 'Third Choice' },
                  ],
                },
              },
            },
            required: [],
          },
        });
        if (error) return failure(`Elicitation is not supported or failed: ${error}`);
        return { content: [text(`Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`)] };
      }
      case 'json_schema_2020_12_tool':
        return { content: [text(`Received: ${JSON.stringify(args)}`)] };
      case 'test_reconnection':
        // Closes this request's SSE stream (the client reconnects with Last-Event-ID and the
        // event store replays the answer); without an SSE stream this is a no-op.
        extra.closeSSEStream?.();
        await sleep(100);
        return { content: [text('Reconnection test completed successfully. If you received this, the client properly reconnected after stream closure.')] };
      default:
        throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}`);
    }
  });

  server.setRequestHandler(ListResourcesRequestSchema, async () => ({ resources: RESOURCES }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({ resourceTemplates: TEMPLATES }));
  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    const { uri } = request.params;
    if (uri === 'test://static-text') return { contents: [{ uri, mimeType: 'text/plain', text: 'This is the content of the static text resource.' }] };
    if (uri === 'test://static-binary') return { contents: [{ uri, mimeType: 'image/png', blob: TEST_IMAGE_BASE64 }] };
    if (uri === 'test://watched-resource') return { contents: [{ uri, mimeType: 'text/plain', text: 'Watched resource content' }] };
    const match = /^test:\/\/template\/([^/]+)\/data$/.exec(uri);
    if (match) {
      const id = decodeURIComponent(match[1]);
      return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }) }] };
    }
    throw new McpError(ErrorCode.InvalidParams, `Resource not found: ${uri}`);
  });
  server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    state.subscriptions.add(request.params.uri);
    return {};
  });
  server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    state.subscriptions.delete(request.params.uri);
    return {};
  });

  server.setRequestHandler(ListPromptsRequestSchema, async () => ({ prompts: PROMPTS }));
  server.setRequestHandler(GetPromptRequestSchema, async (request) => {
    const args = request.params.arguments ?? {};
    const need = (name) => {
      if (typeof args[name] !== 'string') throw new McpError(ErrorCode.InvalidParams, `Missing required argument: ${name}`);
      return args[name];
    };
    switch (request.params.name) {
      case 'test_simple_prompt':
        return { messages: [{ role: 'user', content: text('This is a simple prompt for testing.') }] };
      case 'test_prompt_with_arguments':
        return { messages: [{ role: 'user', content: text(`Prompt with arguments: arg1='${need('arg1')}', arg2='${need('arg2')}'`) }] };
      case 'test_prompt_with_embedded_resource':
        return {
          messages: [
            { role: 'user', content: { type: 'resource', resource: { uri: need('resourceUri'), mimeType: 'text/plain', text: 'Embedded resource content for testing.' } } },
            { role: 'user', content: text('Please process the embedded resource above.') },
          ],
        };
      case 'test_prompt_with_image':
        return {
          messages: [
            { role: 'user', content: { type: 'image', data: TEST_IMAGE_BASE64, mimeType: 'image/png' } },
            { role: 'user', content: text('Please analyze the image above.') },
          ],
        };
      default:
        throw new McpError(ErrorCode.InvalidParams, `Unknown prompt: ${request.params.name}`);
    }
  });

  server.setRequestHandler(CompleteRequestSchema, async (request) => {
    const { ref, argument } = request.params;
    const pool = ref.type === 'ref/prompt' && ref.name === 'test_prompt_with_arguments' ? (COMPLETIONS[argument.name] ?? []) : [];
    const values = pool.filter((value) => value.startsWith(argument.value ?? ''));
    return { completion: { values, total: values.length, hasMore: false } };
  });

  return server;
}

/** In-memory event store: resumable SSE streams (Last-Event-ID) for test_reconnection. */
function createEventStore() {
  const events = new Map();
  let counter = 0;
  return {
    async storeEvent(streamId, message) {
      const eventId = `${streamId}::${String(++counter).padStart(12, '0')}`;
      events.set(eventId, { streamId, message });
      return eventId;
    },
    async replayEventsAfter(lastEventId, { send }) {
      const streamId = lastEventId.split('::')[0];
      for (const [eventId, event] of events) {
        if (event.streamId === streamId && eventId > lastEventId) await send(eventId, event.message);
      }
      return streamId;
    },
  };
}

function readJson(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (raw === '') return resolve(undefined);
      try {
        resolve(JSON.parse(raw));
      } catch (error) {
        reject(error);
      }
    });
    request.on('error', reject);
  });
}

function jsonRpcError(response, status, code, message) {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

/**
 * Starts the fixtures on 127.0.0.1 (random port unless given). Stateful: one SDK Server and
 * transport per MCP session. Resolves to `{ url, close }`.
 */
export async function startFixturesServer({ port = 0, host = '127.0.0.1', log = () => {} } = {}) {
  const sessions = new Map();
  const state = { subscriptions: new Set() };
  const eventStore = createEventStore();
  let allowedHosts = [];

  const http = createServer(async (request, response) => {
    try {
      const { pathname } = new URL(request.url ?? '/', 'http://fixtures');
      if (pathname !== '/mcp') return jsonRpcError(response, 404, -32000, 'Not found: use /mcp');
      const sessionId = request.headers['mcp-session-id'];
      const body = request.method === 'POST' ? await readJson(request) : undefined;
      let session = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
      if (!session) {
        if (typeof sessionId === 'string') return jsonRpcError(response, 404, -32001, 'Session not found');
        if (request.method !== 'POST' || !isInitializeRequest(body)) return jsonRpcError(response, 400, -32000, 'Bad Request: no valid session ID (initialize first)');
        const server = createFixtureServer(state);
        const transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          eventStore,
          retryInterval: 500,
          enableDnsRebindingProtection: true,
          allowedHosts,
          onsessioninitialized: (id) => {
            sessions.set(id, session);
            log(`session ${id} initialized`);
          },
          onsessionclosed: (id) => {
            sessions.delete(id);
            log(`session ${id} closed`);
          },
        });
        transport.onclose = () => {
          if (transport.sessionId) sessions.delete(transport.sessionId);
        };
        session = { server, transport };
        await server.connect(transport);
      }
      await session.transport.handleRequest(request, response, body);
    } catch (error) {
      log(`request failed: ${error instanceof Error ? error.stack : String(error)}`);
      if (!response.headersSent) jsonRpcError(response, error instanceof SyntaxError ? 400 : 500, error instanceof SyntaxError ? -32700 : -32603, String(error?.message ?? error));
      else response.end();
    }
  });

  await new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => resolve());
  });
  const address = http.address();
  allowedHosts.push(`${host}:${address.port}`, `localhost:${address.port}`);
  const url = `http://${host}:${address.port}/mcp`;

  let closing;
  const close = () =>
    (closing ??= (async () => {
      await Promise.all([...sessions.values()].map(({ server }) => server.close().catch(() => undefined)));
      sessions.clear();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(() => resolve()));
    })());

  return { url, close };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const fixtures = await startFixturesServer({ port: Number(process.env.PORT ?? 0), log: (line) => console.error(`[fixtures] ${line}`) });
  console.log(`MCP conformance fixtures listening on ${fixtures.url}`);
  const stop = () => void fixtures.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
