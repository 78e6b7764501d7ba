// The baseline for /mcp: the official SDK's stateful Streamable HTTP server serving one echo
// tool, in JSON-response mode like ours, with nothing else (no auth, no persistence).
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

const sessions = new Map();

function build() {
  const server = new McpServer({ name: 'bare-sdk', version: '1.0.0' });
  server.registerTool('echo', { description: 'Echo', inputSchema: { message: z.string() } }, async ({ message }) => ({
    content: [{ type: 'text', text: JSON.stringify({ message }) }],
    structuredContent: { message },
  }));
  return server;
}

async function readBody(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

createServer(async (request, response) => {
  if (request.url === '/ready') return void response.end('ok');
  const body = request.method === 'POST' ? await readBody(request) : undefined;
  const id = request.headers['mcp-session-id'];
  let entry = id ? sessions.get(id) : undefined;
  if (!entry) {
    if (id || !isInitializeRequest(body)) return void response.writeHead(400).end();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), enableJsonResponse: true, onsessioninitialized: (sid) => sessions.set(sid, entry) });
    entry = { transport, server: build() };
    await entry.server.connect(transport);
  }
  await entry.transport.handleRequest(request, response, body);
}).listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
