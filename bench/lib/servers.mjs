// Child-process lifecycle for the servers under test. Every child is tracked
// so that no exit path (success, error, SIGINT) leaves a process behind.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { constants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 60_000;
const READY_POLL_MS = 250;
const STOP_GRACE_MS = 5_000;
const TAIL_LINES = 40;

const running = new Set();

/** Asks the OS for a port that is free right now. */
export async function freePort() {
  const probe = createServer();
  probe.listen(0, HOST);
  await once(probe, 'listening');
  const { port } = probe.address();
  probe.close();
  await once(probe, 'close');
  return port;
}

/** Keeps the last lines a child printed, for failure messages. */
function outputTail(child) {
  const lines = [];
  const keep = (chunk) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - TAIL_LINES));
  };
  // Both streams must be drained anyway, or a chatty child blocks on a full pipe.
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return () => lines.join('\n') || '(no output)';
}

async function respondsOk(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/** Polls readyUrl until it answers 2xx; fails fast if the child dies first. */
async function waitUntilReady(server, readyUrl) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(
        `${server.name} exited (${server.child.exitCode ?? server.child.signalCode}) before ${readyUrl} answered.\n` +
          `--- last output ---\n${server.tail()}`,
      );
    }
    if (await respondsOk(readyUrl)) return;
    await sleep(READY_POLL_MS);
  }
  throw new Error(
    `${server.name} did not answer ${readyUrl} with 2xx within ${READY_TIMEOUT_MS / 1000}s.\n` +
      `--- last output ---\n${server.tail()}`,
  );
}

/**
 * Spawns `command` on a free port and resolves once `readyPath` answers 2xx.
 * @returns {Promise<{name: string, baseUrl: string, stop: () => Promise<void>}>}
 */
export async function startServer({ name, command, cwd, env = {}, readyPath }) {
  const port = await freePort();
  const [file, ...args] = command;
  const child = spawn(file, args, {
    cwd,
    env: { ...process.env, ...env, PORT: String(port), HOST },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server = { name, child, baseUrl: `http://${HOST}:${port}`, tail: outputTail(child) };
  server.stop = () => stopChild(child);
  try {
    await once(child, 'spawn');
  } catch (error) {
    throw new Error(`${name}: cannot run ${file}: ${error.message}`);
  }
  running.add(child);
  child.once('exit', () => running.delete(child));
  try {
    await waitUntilReady(server, server.baseUrl + readyPath);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** SIGTERM, then SIGKILL if the child ignores it for STOP_GRACE_MS. */
async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

export async function stopAll() {
  await Promise.all([...running].map(stopChild));
}

/**
 * Makes sure children die with the harness: graceful stop on SIGINT/SIGTERM,
 * and a last-resort synchronous SIGKILL when the process exits any other way.
 */
export function stopChildrenOnExit() {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      console.error(`\n${signal} received, stopping servers...`);
      stopAll().finally(() => process.exit(128 + constants.signals[signal]));
    });
  }
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}
