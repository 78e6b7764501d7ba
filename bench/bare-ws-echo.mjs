// The baseline for /ws: a raw `ws` server that answers each JSON-RPC request with its params.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const http = createServer((request, response) => response.end(request.url === '/ready' ? 'ok' : ''));
const wss = new WebSocketServer({ server: http, path: '/ws' });
wss.on('connection', (socket) => {
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString());
    socket.send(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: { output: message.params?.arguments ?? null } }));
  });
});
http.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
