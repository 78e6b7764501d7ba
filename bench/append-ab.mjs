// A/B benchmark of the embedded database's append path: what storing a tool run and its audit
// entry costs the database worker under two configurations.
//
// Two embedded databases (each its own worker thread, with the app's schema) get the same batches
// in turn, one batch to A, then one to B, so a host that slows down or speeds up (by 15-20% from
// one minute to the next here) weighs on both alike; two identical sides come out within 1%.
// Usage: npm run build && node bench/append-ab.mjs
//   AB_A_SETTINGS / AB_B_SETTINGS  PostgreSQL settings, comma-separated (default: the app's
//                                  EMBEDDED_SETTINGS on both sides)
//   AB_A_IDS / AB_B_IDS            `random` (UUID v4, the ids before 2026-12-04) or `ordered`
//                                  (UUID v7, the app's); default ordered on both sides
//   AB_A_ROLLUPS / AB_B_ROLLUPS    `none`, `totals` (the run counts in all, tool_execution_totals,
//                                  written by each append statement; 2026-12-05 on) or `app` (those
//                                  and the counts by day, tool_execution_days; 2026-12-06 on);
//                                  default A none, B app
//   AB_A_SQL / AB_B_SQL            statements run after the migrations, separated by `;` (e.g. what
//                                  an index costs: AB_B_SQL='DROP INDEX idx_audit_logs_severity')
//   AB_BATCHES (3000), AB_ROWS (50 runs per batch, what 50 busy connections make)
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { ALL_MIGRATIONS, EMBEDDED_SETTINGS, EmbeddedPostgres } = require(path.join(ROOT, 'dist/libs/database/src/index.js'));
const { timeOrderedUuid } = require(path.join(ROOT, 'dist/libs/common/src/index.js'));
const { TOOL_EXECUTION_TOTALS } = require(path.join(ROOT, 'dist/libs/tools/src/index.js'));
const { Client } = require('pg');

const WARMUP_BATCHES = 200;
const ID_MAKERS = { random: randomUUID, ordered: () => timeOrderedUuid() };
const ROLLUPS = { none: [], totals: [{ ...TOOL_EXECUTION_TOTALS, statements: TOOL_EXECUTION_TOTALS.statements.slice(0, 1) }], app: [TOOL_EXECUTION_TOTALS] };

function side(name, env, defaults) {
  const settings = env[`AB_${name}_SETTINGS`] ? env[`AB_${name}_SETTINGS`].split(',').map((s) => s.trim()).filter(Boolean) : defaults.settings;
  const ids = env[`AB_${name}_IDS`] ?? defaults.ids;
  if (!ID_MAKERS[ids]) throw new Error(`AB_${name}_IDS must be random or ordered, got "${ids}"`);
  const rollups = env[`AB_${name}_ROLLUPS`] ?? defaults.rollups;
  if (!ROLLUPS[rollups]) throw new Error(`AB_${name}_ROLLUPS must be none, totals or app, got "${rollups}"`);
  const sql = (env[`AB_${name}_SQL`] ?? '').split(';').map((statement) => statement.trim()).filter(Boolean);
  return { name, settings, ids, newId: ID_MAKERS[ids], rollups, sql, elapsedMs: 0 };
}

/** An embedded database with the app's schema, as the app's migrations make it. */
async function startWithSchema(settings, rollups, statements) {
  const database = await EmbeddedPostgres.start(undefined, { settings, rollups: ROLLUPS[rollups] });
  const client = new Client({ host: 'embedded', user: 'postgres', database: 'postgres', stream: () => database.socket() });
  await client.connect();
  const queryRunner = { query: (sql, parameters) => client.query(sql, parameters) };
  for (const Migration of ALL_MIGRATIONS) await new Migration().up(queryRunner);
  for (const statement of statements) await client.query(statement);
  await client.end();
  return database;
}

const EXECUTION_COLUMNS = ['id', 'tool_id', 'tool_name', 'user_id', 'session_id', 'context_id', 'status', 'is_async', 'parameters', 'result', 'error', 'timeout_ms', 'started_at', 'ended_at', 'duration_ms', 'memory_used', 'attempts', 'created_at'];
const AUDIT_COLUMNS = ['id', 'timestamp', 'user_id', 'action', 'resource', 'details', 'result', 'ip_address', 'user_agent', 'severity', 'session_id', 'request_id'];
const quoted = (columns) => columns.map((column) => `"${column}"`).join(', ');
const USER = randomUUID();
const SESSION = randomUUID();
const MESSAGE = { message: 'hello from the benchmark' };

/** One append unit as the app sends it for `rows` echo runs: the runs and their audit entries. */
function unit(rows, newId) {
  const runs = [];
  const audits = [];
  for (let i = 0; i < rows; i++) {
    const id = newId();
    const now = new Date().toISOString();
    runs.push({ id, tool_id: 'tool_echo', tool_name: 'echo', user_id: USER, session_id: SESSION, context_id: null, status: 'completed', is_async: false, parameters: MESSAGE, result: MESSAGE, error: null, timeout_ms: 30000, started_at: now, ended_at: now, duration_ms: 0, memory_used: 1672, attempts: 1, created_at: now });
    audits.push({ id: newId(), timestamp: now, user_id: USER, action: 'tool.execute', resource: 'tool_echo', details: { toolId: 'tool_echo', toolName: 'echo', executionId: id, parameters: MESSAGE, status: 'completed', durationMs: 0 }, result: 'success', ip_address: '127.0.0.1', user_agent: null, severity: 'info', session_id: SESSION, request_id: null });
  }
  return [
    ['tool_executions', quoted(EXECUTION_COLUMNS), JSON.stringify(runs)],
    ['audit_logs', quoted(AUDIT_COLUMNS), JSON.stringify(audits)],
  ];
}

async function timedAppend(database, groups) {
  const started = performance.now();
  const refused = await database.append(groups);
  if (refused.length > 0) throw new Error(`the database refused ${refused.length} row(s): ${refused[0].message}`);
  return performance.now() - started;
}

async function main(env) {
  const batches = Number(env.AB_BATCHES ?? 3000);
  const rows = Number(env.AB_ROWS ?? 50);
  if (!Number.isInteger(batches) || batches <= WARMUP_BATCHES || !Number.isInteger(rows) || rows < 1) throw new Error(`AB_BATCHES must be an integer above ${WARMUP_BATCHES}, AB_ROWS at least 1`);
  const a = side('A', env, { settings: [...EMBEDDED_SETTINGS], ids: 'ordered', rollups: 'none' });
  const b = side('B', env, { settings: [...EMBEDDED_SETTINGS], ids: 'ordered', rollups: 'app' });
  const databases = new Map([
    [a, await startWithSchema(a.settings, a.rollups, a.sql)],
    [b, await startWithSchema(b.settings, b.rollups, b.sql)],
  ]);
  try {
    for (let i = 0; i < batches; i++) {
      for (const current of [a, b]) {
        const elapsed = await timedAppend(databases.get(current), unit(rows, current.newId));
        if (i >= WARMUP_BATCHES) current.elapsedMs += elapsed;
      }
    }
  } finally {
    for (const database of databases.values()) await database.stop();
  }
  const runs = (batches - WARMUP_BATCHES) * rows;
  for (const current of [a, b]) {
    console.log(`${current.name}: ${((current.elapsedMs * 1000) / runs).toFixed(1)} µs per run stored (run + audit entry); settings ${current.settings.join(' ')}; ${current.ids} ids; rollups ${current.rollups}`);
  }
  console.log(`B/A: ${(b.elapsedMs / a.elapsedMs).toFixed(3)}`);
}

main(process.env).catch((error) => {
  console.error(error);
  process.exit(1);
});
