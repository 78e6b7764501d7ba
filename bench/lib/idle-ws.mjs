// Memory of N idle authenticated WebSockets: open them all, let them sit, read the app's RSS.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const WebSocket = createRequire(import.meta.url)('ws');
const BATCH = 250;

/** Resident set size of a process, from /proc (Linux), in bytes. */
export function rssOf(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

function open(url, headers) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers, perMessageDeflate: false });
    socket.once('open', () => resolve(socket));
    socket.once('close', (code, reason) => {
      socket.closeCode = `${code} ${reason}`;
    });
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
  });
}

/**
 * Opens `count` connections (in batches, as clients arriving), waits `idleMs`, and reports the
 * app's RSS before and after. Every socket must still be open at the end.
 */
export async function measureIdleWebSockets(baseUrl, pid, headers, { count, idleMs }) {
  const url = `${baseUrl.replace(/^http/, 'ws')}/ws`;
  // The app at rest first: right after boot and setup its heap still holds start-up garbage.
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  const rssBefore = rssOf(pid);
  const sockets = [];
  const started = Date.now();
  for (let opened = 0; opened < count; opened += BATCH) {
    const batch = await Promise.all(Array.from({ length: Math.min(BATCH, count - opened) }, () => open(url, headers)));
    sockets.push(...batch);
  }
  const openMs = Date.now() - started;
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  const rssAfter = rssOf(pid);
  const stillOpen = sockets.filter((socket) => socket.readyState === WebSocket.OPEN).length;
  const closeCodes = {};
  for (const socket of sockets) if (socket.closeCode) closeCodes[socket.closeCode] = (closeCodes[socket.closeCode] ?? 0) + 1;
  for (const socket of sockets) socket.terminate();
  return { count, openMs, rssBefore, rssAfter, stillOpen, closeCodes };
}
