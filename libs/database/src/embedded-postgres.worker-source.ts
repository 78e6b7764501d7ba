/**
 * The embedded database's worker thread, as source (evaluated by `new Worker(..., { eval: true })`
 * so it runs the same from the TypeScript sources under test and from the build).
 *
 * PGlite is one PostgreSQL session. Everything the main thread sends comes over one MessagePort,
 * in the order it was sent, and runs in that order: a statement sent after an append unit sees its
 * rows. Messages on the port:
 * - `{ o: id }` opens client connection `id`, `{ c: id, b: bytes }` carries its protocol bytes,
 *   `{ e: id }` ends it; answers go back as `{ c: id, b: bytes }`, and `{ x: id }` when the worker
 *   closed it.
 * - `{ a: id, g: [[table, quotedColumns, rowsJson], ...], r?: true }` is an append unit: rows for
 *   the append log, inserted in one transaction (adjacent units share one), with the counts of the
 *   tables that have a rollup (`workerData.rollups`); answered `{ a: id, failed: [...] }` (`failed`
 *   empty when every row was stored). `r` (replay) skips rows whose primary key is already there.
 *
 * A connection's bytes are cut at message boundaries and every complete run of messages goes to
 * PGlite in one call (a Parse/Bind/Execute/Sync batch is one call, not five). A connection holds
 * the session from its first message until PGlite answers ReadyForQuery "idle": the others wait
 * meanwhile, so an open transaction or a half-sent extended query is never interleaved with
 * another client's, nor with an append unit. A connection that goes away inside a transaction has
 * it rolled back.
 *
 * With `tcp`, the session is served on a loopback port instead (pglite-socket), for tests that
 * need a real socket to cut; then the port's connections are refused.
 *
 * PGlite runs PostgreSQL in single-user mode, which has no checkpointer: without one the WAL is
 * never recycled and grows with every row ever written (in memory for `memory`, on disk otherwise,
 * where a restart replays all of it). The worker checkpoints as the checkpointer would, between
 * units: after `checkpointWalBytes` of WAL, or every `checkpointIntervalMs` when anything was written.
 * Nor is there autovacuum, so between units, every `vacuumCheckMs`, the worker also vacuums the
 * table that most needs it (see vacuumIfDue), and at start it reports the template databases whose
 * transaction ids have aged past `templateFreezeAge` (see oldTemplateDatabases).
 */
export const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglite);

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
const TERMINATE = 0x58;
// Adjacent append units share one transaction up to this much JSON.
const MAX_MERGED_BYTES = 8 * 1024 * 1024;
const MAX_PREPARED = 64;

let db;
let tcpServer;
let channel = null;
const connections = new Map();
const queue = [];
let owner = null;
let pumping = false;
const prepared = new Map();
// Names are never given twice: a statement whose first run failed may still be prepared in the session.
let preparedNames = 0;
let housekeepingDue = false;
let housekeepingTimer = null;
let lastCheckpoint = null;
let lastVacuumCheck = 0;

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
  channel.postMessage({ c: connection.id, b: owned }, [owned.buffer]);
}

// ---------------------------------------------------------------- append units

function frame(type, parts) {
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(5);
  head[0] = type.charCodeAt(0);
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}
const cstring = (text) => Buffer.from(text + '\0', 'utf8');
const int16 = (n) => { const b = Buffer.alloc(2); b.writeInt16BE(n); return b; };
const int32 = (n) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; };

/** Parse (once per statement name), Bind with text parameters, Execute, Sync. */
function extendedQuery(name, sql, values, parse) {
  const parts = [];
  if (parse) parts.push(frame('P', [cstring(name), cstring(sql), int16(0)]));
  const bind = [cstring(''), cstring(name), int16(0), int16(values.length)];
  for (const value of values) {
    const bytes = Buffer.from(value, 'utf8');
    bind.push(int32(bytes.length), bytes);
  }
  bind.push(int16(0));
  parts.push(frame('B', bind), frame('E', [cstring(''), int32(0)]), frame('S', []));
  return Buffer.concat(parts);
}

/** The first ErrorResponse of an answer, as { code, message }, or null. */
function errorIn(answer) {
  const bytes = Buffer.from(answer.buffer, answer.byteOffset, answer.byteLength);
  for (let at = 0; at + 5 <= bytes.length; ) {
    const type = bytes[at];
    const length = bytes.readInt32BE(at + 1);
    if (type === 0x45) {
      const fields = {};
      for (let f = at + 5; f < at + 1 + length && bytes[f] !== 0; ) {
        const end = bytes.indexOf(0, f + 1);
        fields[String.fromCharCode(bytes[f])] = bytes.toString('utf8', f + 1, end);
        f = end + 1;
      }
      return { code: fields.C || 'XX000', message: fields.M || 'insert failed' };
    }
    at += 1 + length;
  }
  return null;
}

// Counts kept beside a table, in the same statement as its rows (AppendRollup; appendStatement builds the same SQL).
const rollups = new Map((workerData.rollups || []).map((rollup) => [rollup.table, rollup]));

/** One statement inserting every group (its INSERTs chained as data-modifying CTEs), in one transaction. */
async function insertGroups(groups, replay) {
  const values = [];
  const statements = [];
  for (const [table, columns, rows] of groups) {
    const position = values.push(rows);
    const insert = 'INSERT INTO "' + table + '" (' + columns + ') SELECT ' + columns + ' FROM json_populate_recordset(NULL::"' + table + '", $' + position + '::json)' + (replay ? ' ON CONFLICT DO NOTHING' : '');
    const rollup = rollups.get(table);
    if (!rollup) {
      statements.push({ sql: insert });
      continue;
    }
    const stored = 's' + (position - 1);
    statements.push({ sql: insert, cte: stored + ' AS (' + insert + ' RETURNING ' + rollup.returning + ')' });
    for (const sql of rollup.statements) statements.push({ sql: sql.replaceAll('{stored}', stored) });
  }
  const last = statements.pop().sql;
  const sql = statements.length === 0 ? last : 'WITH ' + statements.map((statement, i) => statement.cte || 'w' + i + ' AS (' + statement.sql + ' RETURNING 1)').join(', ') + ' ' + last;
  // Each shape of batch is parsed and planned once; replays (at start only) are not kept.
  let name = replay ? '' : prepared.get(sql);
  const parse = name === undefined || name === '';
  if (name === undefined) {
    name = prepared.size < MAX_PREPARED ? 'append_unit_' + preparedNames++ : '';
    if (name) prepared.set(sql, name);
  }
  const error = errorIn(await db.execProtocolRaw(extendedQuery(name, sql, values, parse)));
  if (error && parse && name) {
    // Parsed, then failed on its rows (a value too long): the statement exists but is not trusted.
    prepared.delete(sql);
    await db.exec('DEALLOCATE ' + name).catch(() => undefined);
  }
  return error;
}

/** The units' groups with the same table and columns joined into one JSON array each. */
function merged(units) {
  const byShape = new Map();
  for (const unit of units) {
    for (const [table, columns, rows] of unit.g) {
      const key = table + '(' + columns + ')';
      const group = byShape.get(key);
      if (group) group[2].push(rows);
      else byShape.set(key, [table, columns, [rows]]);
    }
  }
  return [...byShape.values()].map(([table, columns, parts]) => [table, columns, parts.length === 1 ? parts[0] : '[' + parts.map((rows) => rows.slice(1, -1)).filter((rows) => rows.length > 0).join(',') + ']']);
}

/** A unit that failed as a whole: its rows one by one, so one bad row costs only itself. */
async function rowByRow(unit) {
  const failed = [];
  for (const [table, columns, rows] of unit.g) {
    for (const row of JSON.parse(rows)) {
      const error = await insertGroups([[table, columns, JSON.stringify([row])]], unit.r === true);
      if (error) failed.push({ table, row, code: error.code, message: error.message });
    }
  }
  return failed;
}

async function runAppends(units) {
  let failure;
  try {
    failure = await insertGroups(merged(units), units[0].r === true);
  } catch (error) {
    failure = { code: 'XX000', message: error && error.message ? error.message : String(error) };
  }
  if (!failure) {
    for (const unit of units) channel.postMessage({ a: unit.a, failed: [] });
    return;
  }
  if (units.length > 1) {
    for (const unit of units) await runAppends([unit]);
    return;
  }
  let failed;
  try {
    failed = await rowByRow(units[0]);
  } catch (error) {
    failed = [{ code: 'XX000', message: error && error.message ? error.message : String(error) }];
  }
  channel.postMessage({ a: units[0].a, failed });
}

/** The append units at the head of the queue, up to a size, of one kind (replayed or not). */
function takeAppends() {
  const units = [queue.shift()];
  let bytes = units[0].bytes;
  while (queue.length > 0 && queue[0].g && queue[0].r === units[0].r && bytes + queue[0].bytes <= MAX_MERGED_BYTES) {
    bytes += queue[0].bytes;
    units.push(queue.shift());
  }
  return units;
}

// ---------------------------------------------------------------- checkpoints

/** A WAL position ('16/B374D848') as a byte count. */
function lsnBytes(text) {
  const [high, low] = text.split('/');
  return BigInt('0x' + high) * 4294967296n + BigInt('0x' + low);
}

async function walPosition() {
  const { rows } = await db.query('SELECT pg_current_wal_insert_lsn()::text AS lsn');
  return lsnBytes(rows[0].lsn);
}

/** Checkpoints when enough WAL was written since the last one, or enough time went by with some. */
async function checkpointIfDue() {
  const written = (await walPosition()) - lastCheckpoint.lsn;
  if (written <= 0n) return;
  if (written < BigInt(workerData.checkpointWalBytes) && Date.now() - lastCheckpoint.at < workerData.checkpointIntervalMs) return;
  await db.exec('CHECKPOINT');
  // The checkpoint's own record is WAL too: counting from after it, an idle database stays idle.
  lastCheckpoint = { lsn: await walPosition(), at: Date.now() };
}

// ---------------------------------------------------------------- vacuum

// Autovacuum's own thresholds (autovacuum_vacuum_threshold and _scale_factor, the insert ones,
// autovacuum_freeze_max_age), with the row counts capped: this vacuum holds the one session, so a
// big table is vacuumed often and briefly rather than rarely and long. Analyzing reads a sample of
// bounded size whatever was written, so its threshold (10% changed) is not capped.
const VACUUM_CANDIDATE = [
  'SELECT name, needs_vacuum, needs_analyze FROM (',
  "  SELECT format('%I.%I', n.nspname, c.relname) AS name,",
  '         coalesce(s.n_dead_tup > least(50 + 0.2 * greatest(c.reltuples, 0), $2)',
  '               OR s.n_ins_since_vacuum > least(1000 + 0.2 * greatest(c.reltuples, 0), $2), false)',
  '           OR age(c.relfrozenxid) > $1 AS needs_vacuum,',
  '         coalesce(s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0), false) AS needs_analyze,',
  '         age(c.relfrozenxid) > $1 AS old,',
  '         coalesce(s.n_dead_tup, 0) + coalesce(s.n_ins_since_vacuum, 0) + coalesce(s.n_mod_since_analyze, 0) AS written',
  '    FROM pg_class c',
  '    JOIN pg_namespace n ON n.oid = c.relnamespace',
  '    LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid',
  "   WHERE c.relkind IN ('r', 'm')",
  ') t WHERE needs_vacuum OR needs_analyze',
  'ORDER BY old DESC, written DESC',
  'LIMIT 1',
].join('\n');
const VACUUM_MAX_ROWS = 50000;
const FREEZE_MAX_AGE = 200000000;

/**
 * Vacuums and/or analyzes the one table that most needs it, as autovacuum would have: dead rows
 * reclaimed, planner statistics kept, and transaction ids frozen as it goes (FREEZE), so the next
 * pass reads only the pages written since and the cluster never nears id wraparound.
 */
async function vacuumIfDue() {
  if (Date.now() - lastVacuumCheck < workerData.vacuumCheckMs) return;
  lastVacuumCheck = Date.now();
  const { rows } = await db.query(VACUUM_CANDIDATE, [FREEZE_MAX_AGE, VACUUM_MAX_ROWS]);
  if (rows.length === 0) return;
  const { name, needs_vacuum: vacuum, needs_analyze: analyze } = rows[0];
  const command = vacuum ? (analyze ? 'VACUUM (FREEZE, ANALYZE) ' : 'VACUUM (FREEZE) ') : 'ANALYZE ';
  await db.exec(command + name);
}

/**
 * The template databases whose oldest transaction id is older than templateFreezeAge. The cluster
 * stops taking writes when its oldest database nears wraparound (about two billion ids), and this
 * session cannot vacuum another database: EmbeddedPostgres.start has them frozen by a worker that
 * opens each in turn (freezeDatabases), then starts this one again.
 */
async function oldTemplateDatabases() {
  const { rows } = await db.query('SELECT datname FROM pg_database WHERE datistemplate AND age(datfrozenxid) > $1', [workerData.templateFreezeAge]);
  return rows.map((row) => row.datname);
}

// ---------------------------------------------------------------- housekeeping

/** From now on, checkpoints and vacuums are looked at once a second, at the next point where no client holds the session. */
async function startHousekeeping() {
  lastCheckpoint = { lsn: await walPosition(), at: Date.now() };
  lastVacuumCheck = Date.now();
  housekeepingTimer = setInterval(() => {
    housekeepingDue = true;
    void pump();
  }, 1000).unref();
}

/** A housekeeping task that failed is tried again at its next turn; the main thread logs why. */
function reportFailure(task) {
  return (error) => parentPort.postMessage({ type: 'warning', message: task + ' failed: ' + (error && error.message ? error.message : String(error)) });
}

async function housekeeping() {
  housekeepingDue = false;
  await vacuumIfDue().catch(reportFailure('vacuum'));
  await checkpointIfDue().catch(reportFailure('checkpoint'));
}

// ---------------------------------------------------------------- the session, one holder at a time

async function pump() {
  if (pumping) return;
  pumping = true;
  try {
    for (;;) {
      if (housekeepingDue && owner === null) await housekeeping();
      const index = owner ? queue.findIndex((unit) => unit.connection === owner) : 0;
      if (index < 0 || queue.length === 0) break;
      if (index === 0 && queue[0].g) {
        await runAppends(takeAppends());
        continue;
      }
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
      channel.postMessage({ c: connection.id, b: new Uint8Array([0x4e]) });
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
}

function close(connection) {
  if (connection.closed) return;
  connection.closed = true;
  connections.delete(connection.id);
  for (let i = queue.length - 1; i >= 0; i--) if (queue[i].connection === connection) queue.splice(i, 1);
  if (owner === connection) queue.unshift({ connection, rollback: true });
  channel.postMessage({ x: connection.id });
}

function onChannelMessage(message) {
  if (message.g) {
    queue.push({ a: message.a, g: message.g, r: message.r === true, bytes: message.g.reduce((sum, group) => sum + group[2].length, 0) });
  } else if (message.o !== undefined) {
    if (tcpServer) return channel.postMessage({ x: message.o });
    connections.set(message.o, { id: message.o, buffer: Buffer.alloc(0), started: false, closed: false });
  } else {
    const id = message.c !== undefined ? message.c : message.e;
    const connection = connections.get(id);
    // The main thread's socket closes when the worker says the connection is gone.
    if (message.e !== undefined && connection) close(connection);
    else if (message.e !== undefined) channel.postMessage({ x: id });
    else if (connection) receive(connection, message.b);
  }
  void pump();
}

parentPort.on('message', async (message) => {
  if (message && message.type === 'channel') {
    channel = message.port;
    channel.on('message', onChannelMessage);
    return;
  }
  if (!message || message.type !== 'stop') return;
  clearInterval(housekeepingTimer);
  let error;
  try {
    if (tcpServer) await tcpServer.stop();
    if (db && message.dumpTo) await dumpDataDir(message.dumpTo).catch((failure) => (error = failure && failure.message ? failure.message : String(failure)));
    if (db) await db.close();
  } finally {
    parentPort.postMessage({ type: 'stopped', error });
  }
});

// PGlite's own start parameters, then ours (EMBEDDED_SETTINGS in embedded-postgres.ts).
const START_PARAMS = [...PGlite.defaultStartParams, ...workerData.settings.flatMap((setting) => ['-c', setting])];

/**
 * The in-memory file system grows a file by 12.5% at a time past 1 MiB, copying all of it each
 * time: a table or WAL file written a page at a time cost about a fifth of the worker's time under
 * load. Doubling copies each byte about twice in all.
 */
function growFilesByDoubling(memfs) {
  memfs.expandFileStorage = function expandFileStorage(node, wanted) {
    const capacity = node.contents ? node.contents.length : 0;
    if (capacity >= wanted) return;
    const grown = new Uint8Array(Math.max(wanted, capacity * 2, 256));
    if (node.usedBytes > 0) grown.set(node.contents.subarray(0, node.usedBytes), 0);
    node.contents = grown;
  };
}

/** The data directory as an uncompressed tarball, its pages checkpointed so a start needs no recovery. */
async function dumpDataDir(file) {
  await db.exec('CHECKPOINT');
  const tarball = await db.dumpDataDir('none');
  require('node:fs').writeFileSync(file, Buffer.from(await tarball.arrayBuffer()));
}

/** Vacuums (FREEZE) each of these databases, opening them in turn: another database than the serving session's. */
async function freezeDatabases(names) {
  for (const database of names) {
    const other = await PGlite.create(workerData.dataDir, { database, startParams: START_PARAMS });
    try {
      await other.exec('VACUUM (FREEZE)');
    } finally {
      await other.close();
    }
  }
}

(async () => {
  if (workerData.freezeDatabases) {
    await freezeDatabases(workerData.freezeDatabases);
    parentPort.postMessage({ type: 'ready', port: null, oldTemplates: [] });
    return;
  }
  const loadDataDir = workerData.template ? new Blob([require('node:fs').readFileSync(workerData.template)]) : undefined;
  db = await PGlite.create(workerData.dataDir, { startParams: START_PARAMS, loadDataDir });
  if (workerData.initializeOnly) {
    // Only made the cluster: the main thread ends this worker, and its memory with it.
    await db.close();
    parentPort.postMessage({ type: 'ready', port: null, oldTemplates: [] });
    return;
  }
  const memfs = db.mod && db.mod.FS && db.mod.FS.filesystems && db.mod.FS.filesystems.MEMFS;
  if (memfs && typeof memfs.expandFileStorage === 'function') growFilesByDoubling(memfs);
  let port = null;
  if (workerData.tcp) {
    const { PGLiteSocketServer } = require(workerData.socket);
    tcpServer = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
    await tcpServer.start();
    port = tcpServer.server.address().port;
  } else {
    // Checkpoints and vacuums run between the units of pump, which pglite-socket's connections bypass.
    await startHousekeeping();
  }
  const oldTemplates = workerData.dataDir ? await oldTemplateDatabases() : [];
  parentPort.postMessage({ type: 'ready', port, oldTemplates });
})().catch((error) => parentPort.postMessage({ type: 'error', message: error && error.message ? error.message : String(error) }));
`;
