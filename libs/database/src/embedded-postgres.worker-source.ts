/**
 * The embedded database's worker thread, as source (evaluated by `new Worker(..., { eval: true })`
 * so it runs the same from the TypeScript sources under test and from the build).
 *
 * PGlite is one PostgreSQL session. Client connections reach it over MessagePorts: each one's
 * bytes are cut at message boundaries and every complete run of messages goes to PGlite in one
 * call (a Parse/Bind/Execute/Sync batch is one call, not five). A connection holds the session from
 * its first message until PGlite answers ReadyForQuery "idle": another connection's messages wait
 * meanwhile, so an open transaction or a half-sent extended query is never interleaved with
 * another client's. A connection that goes away inside a transaction has it rolled back.
 *
 * With `tcp`, the session is served on a loopback port instead (pglite-socket), for tests that
 * need a real socket to cut; then MessagePort connections are refused.
 */
export const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglite);

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
const TERMINATE = 0x58;

let db;
let tcpServer;
const queue = [];
let owner = null;
let pumping = false;

function endsIdle(bytes) {
  const n = bytes.length;
  // ReadyForQuery: 'Z', int32 length 5, status 'I' (idle, no transaction open).
  return n >= 6 && bytes[n - 6] === 0x5a && bytes[n - 2] === 5 && bytes[n - 1] === 0x49;
}

function send(connection, bytes) {
  if (connection.closed || bytes.length === 0) return;
  // PGlite's answer usually owns its buffer and is moved as it is; a view into a larger buffer
  // (the startup answer) is copied first, so nothing else is moved with it.
  const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  connection.port.postMessage(owned, [owned.buffer]);
}

async function pump() {
  if (pumping) return;
  pumping = true;
  try {
    for (;;) {
      const index = owner ? queue.findIndex((unit) => unit.connection === owner) : 0;
      if (index < 0 || queue.length === 0) break;
      const [unit] = queue.splice(index, 1);
      if (unit.rollback) {
        if (db.isInTransaction()) await db.exec('ROLLBACK').catch(() => undefined);
        owner = null;
        continue;
      }
      if (unit.connection.closed) continue;
      let answer;
      try {
        answer = await db.execProtocolRaw(unit.bytes);
      } catch (error) {
        // PGlite itself failed (not a SQL error, which is an ErrorResponse): drop this client.
        owner = null;
        close(unit.connection);
        continue;
      }
      if (unit.connection.closed) {
        // It went away while this ran: whatever it left open goes with it.
        if (db.isInTransaction()) await db.exec('ROLLBACK').catch(() => undefined);
        owner = null;
        continue;
      }
      owner = endsIdle(answer) ? null : unit.connection;
      send(unit.connection, answer);
    }
  } finally {
    pumping = false;
  }
}

/**
 * The next unit to run from the connection's buffer: the startup packet alone (PGlite takes it on
 * its own), then every complete message buffered; null while nothing complete is there.
 */
function takeUnit(connection) {
  let buffer = connection.buffer;
  while (!connection.started) {
    if (buffer.length < 8) return null;
    const length = buffer.readInt32BE(0);
    const code = buffer.readInt32BE(4);
    if (code === SSL_REQUEST && length === 8) {
      // No TLS inside one process: the client carries on in plain text.
      connection.port.postMessage(new Uint8Array([0x4e]));
    } else if (code !== CANCEL_REQUEST && (code !== PROTOCOL_3 || length < 8)) {
      return { error: 'unsupported startup message' };
    } else if (buffer.length < length) {
      return null;
    } else if (code === PROTOCOL_3) {
      connection.started = true;
      connection.buffer = buffer.subarray(length);
      return { bytes: buffer.subarray(0, length) };
    }
    buffer = connection.buffer = buffer.subarray(code === CANCEL_REQUEST ? Math.max(length, 8) : 8);
  }
  let end = 0;
  while (buffer.length - end >= 5) {
    if (buffer[end] === TERMINATE) return { bytes: buffer.subarray(0, end), terminate: true };
    const length = 1 + buffer.readInt32BE(end + 1);
    if (length < 5) return { error: 'malformed message' };
    if (buffer.length - end < length) break;
    end += length;
  }
  if (end === 0) return null;
  connection.buffer = buffer.subarray(end);
  return { bytes: buffer.subarray(0, end) };
}

function receive(connection, data) {
  if (connection.closed) return;
  const chunk = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  connection.buffer = connection.buffer.length === 0 ? chunk : Buffer.concat([connection.buffer, chunk]);
  for (let unit = takeUnit(connection); unit; unit = unit.terminate || unit.error ? null : takeUnit(connection)) {
    if (unit.bytes && unit.bytes.length > 0) queue.push({ connection, bytes: unit.bytes });
    if (unit.terminate || unit.error) close(connection);
  }
  void pump();
}

function close(connection) {
  if (connection.closed) return;
  connection.closed = true;
  for (let i = queue.length - 1; i >= 0; i--) if (queue[i].connection === connection) queue.splice(i, 1);
  if (owner === connection) queue.unshift({ connection, rollback: true });
  connection.port.close();
  void pump();
}

function open(port) {
  if (tcpServer) {
    port.close();
    return;
  }
  const connection = { port, buffer: Buffer.alloc(0), started: false, closed: false };
  port.on('message', (data) => (data === 'end' ? close(connection) : receive(connection, data)));
  port.on('close', () => close(connection));
}

parentPort.on('message', async (message) => {
  if (message && message.type === 'open') return open(message.port);
  if (message !== 'stop') return;
  try {
    if (tcpServer) await tcpServer.stop();
    if (db) await db.close();
  } finally {
    parentPort.postMessage({ type: 'stopped' });
  }
});

// PostgreSQL's default 128 MB of shared buffers took about 400 MB of the app's resident memory
// (854 against 436-454 MiB at rest after a login); 32 MB cost no measurable speed under load.
const START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'];

(async () => {
  db = await PGlite.create(workerData.dataDir, { startParams: START_PARAMS });
  let port = null;
  if (workerData.tcp) {
    const { PGLiteSocketServer } = require(workerData.socket);
    tcpServer = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
    await tcpServer.start();
    port = tcpServer.server.address().port;
  }
  parentPort.postMessage({ type: 'ready', port });
})().catch((error) => parentPort.postMessage({ type: 'error', message: error && error.message ? error.message : String(error) }));
`;
