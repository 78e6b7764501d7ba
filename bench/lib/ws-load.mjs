// Closed-loop WebSocket load: each connection sends a JSON-RPC request, waits for its answer,
// sends the next. Reports messages per second and answer latency, like an HTTP measurement.
import WebSocket from 'ws';
import { withCpu } from './cpu.mjs';

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function run(url, { headers, message }, connections, seconds) {
  const latencies = [];
  let errors = 0;
  let failed = 0;
  let stopping = false;
  const sockets = await Promise.all(
    Array.from({ length: connections }, () =>
      new Promise((resolve, reject) => {
        const socket = new WebSocket(url, { headers });
        socket.once('open', () => resolve(socket));
        socket.once('error', reject);
      }),
    ),
  );
  const loops = sockets.map(
    (socket) =>
      new Promise((resolve) => {
        let id = 0;
        let sentAt = 0;
        const send = () => {
          if (stopping || socket.readyState !== WebSocket.OPEN) return resolve();
          sentAt = performance.now();
          socket.send(message(++id));
        };
        socket.on('message', (data) => {
          latencies.push(performance.now() - sentAt);
          if (String(data).includes('"error"')) failed++;
          send();
        });
        socket.on('error', () => errors++);
        socket.on('close', () => resolve());
        send();
      }),
  );
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  stopping = true;
  const count = latencies.length;
  for (const socket of sockets) socket.close();
  await Promise.race([Promise.all(loops), new Promise((resolve) => setTimeout(resolve, 2000))]);
  latencies.sort((a, b) => a - b);
  return { reqPerSec: count / seconds, requests: count, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), non2xx: failed, errors };
}

/** Warm-up (discarded), then the measured run; `pid` (the server's) adds its CPU per message. */
export async function measureWs(baseUrl, request, { duration, warmup, connections, pid }) {
  const url = `${baseUrl.replace(/^http/, 'ws')}${request.path}`;
  if (warmup > 0) await run(url, request, connections, warmup);
  return withCpu(pid, () => run(url, request, connections, duration));
}
