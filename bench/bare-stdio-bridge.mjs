// The baseline for the stdio upstream: a supergateway-style bridge. One HTTP endpoint forwards each
// request as a JSON-RPC tools/call to a stdio MCP server (server-everything) and answers its result;
// nothing else (no auth, no registry, no audit, no persistence).
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const EVERYTHING = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');
const child = spawn(process.execPath, [EVERYTHING, 'stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
process.once('exit', () => child.kill());
process.once('SIGTERM', () => process.exit(0));

let nextId = 1;
const pending = new Map();
createInterface({ input: child.stdout }).on('line', (line) => {
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    return;
  }
  const resolve = pending.get(message.id);
  if (resolve) {
    pending.delete(message.id);
    resolve(message);
  }
});

function call(method, params) {
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
  });
}

await call('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bridge', version: '1' } });
child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);

createServer(async (request, response) => {
  if (request.url === '/ready') return void response.end('ok');
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  const answer = await call('tools/call', { name: 'echo', arguments: body.parameters ?? {} });
  response.writeHead(answer.error ? 502 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(answer.result ?? answer.error));
}).listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
