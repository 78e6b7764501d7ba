// The long-history scenario's pieces: a history written straight into an embedded data directory
// (between two starts of the app: only one process may hold it), and timed reads of it.
import { createRequire } from 'node:module';
import path from 'node:path';

const SEED_BATCH = 250_000;

/**
 * Writes `runs` finished runs of echo into the stopped app's data directory, as the app would have
 * stored them: 1% by `userId`, 0.5% failed (a few of them the user's), the rest by 1,000 other users, over the last year;
 * with their counts (in all and by day) when the build keeps them, and vacuumed and analyzed, as a long-running
 * server's tables are.
 */
export async function seedHistory(root, dataDir, { runs, userId }) {
  const require = createRequire(import.meta.url);
  const { EmbeddedPostgres } = require(path.join(root, 'dist/libs/database/src/index.js'));
  const { Client } = require('pg');
  const database = await EmbeddedPostgres.start(dataDir);
  const client = new Client({ host: 'embedded', user: 'postgres', database: 'postgres', stream: () => database.socket() });
  await client.connect();
  try {
    for (let from = 1; from <= runs; from += SEED_BATCH) {
      const to = Math.min(runs, from + SEED_BATCH - 1);
      await client.query(
        `INSERT INTO tool_executions (id, tool_id, tool_name, user_id, session_id, status, is_async, parameters, result, error, timeout_ms, created_at, started_at, ended_at, duration_ms, memory_used, attempts)
         SELECT gen_random_uuid(), 'tool_echo', 'echo',
                CASE WHEN g % 100 = 0 THEN $3::uuid ELSE ('00000000-0000-4000-8000-' || lpad((g % 1000)::text, 12, '0'))::uuid END,
                'bench', CASE WHEN g % 199 = 0 THEN 'failed' ELSE 'completed' END, false,
                '{"message":"hello from the benchmark"}', '{"message":"hello from the benchmark"}',
                CASE WHEN g % 199 = 0 THEN '{"code":"FAILED","message":"failed on purpose"}'::jsonb END, 30000,
                at, at, at, g % 7, 1672, 1
           FROM generate_series($1::int, $2::int) AS g, LATERAL (SELECT now() - ($4::int - g) * (interval '365 days' / $4::int) AS at) AS t`,
        [from, to, userId, runs],
      );
    }
    // Each run's audit entry, as the app writes it (one per run).
    await client.query(
      `INSERT INTO audit_logs (id, timestamp, user_id, action, resource, details, result, ip_address, severity, session_id)
       SELECT gen_random_uuid(), e.created_at, e.user_id, 'tool.execute', e.tool_id,
              jsonb_build_object('toolId', e.tool_id, 'toolName', e.tool_name, 'executionId', e.id, 'parameters', e.parameters, 'status', e.status, 'durationMs', e.duration_ms),
              CASE WHEN e.status = 'completed' THEN 'success' ELSE 'failure' END, '127.0.0.1', 'info', 'bench'
         FROM tool_executions e`,
    );
    const { rows } = await client.query(`SELECT to_regclass('tool_execution_totals') IS NOT NULL AS counted`);
    if (rows[0].counted) {
      await client.query(`DELETE FROM tool_execution_totals`);
      await client.query(`INSERT INTO tool_execution_totals (tool_id, user_id, status, runs, duration_sum, duration_runs)
                          SELECT tool_id, user_id, status, count(*), coalesce(sum(duration_ms), 0), count(duration_ms) FROM tool_executions GROUP BY tool_id, user_id, status`);
    }
    const { rows: dated } = await client.query(`SELECT to_regclass('tool_execution_days') IS NOT NULL AS dated`);
    if (dated[0].dated) {
      await client.query(`DELETE FROM tool_execution_days`);
      await client.query(`INSERT INTO tool_execution_days (day, tool_id, user_id, status, runs, merged)
                          SELECT day, tool_id, coalesce(user_id, '00000000-0000-0000-0000-000000000000'), status, count(*), true
                            FROM (SELECT (created_at AT TIME ZONE 'UTC')::date AS day, tool_id, user_id, status FROM tool_executions) AS run
                           GROUP BY GROUPING SETS ((day, tool_id, user_id, status), (day, tool_id, status))`);
      await client.query('VACUUM (FREEZE, ANALYZE) tool_execution_days');
    }
    await client.query('VACUUM (FREEZE, ANALYZE) tool_executions');
    await client.query('VACUUM (FREEZE, ANALYZE) audit_logs');
    return {
      userId,
      deepRunCursor: await cursorAfter(client, `SELECT created_at::text AS at, id::text FROM tool_executions WHERE tool_id = 'tool_echo' ORDER BY created_at DESC, id DESC`, runs),
      deepAuditCursor: await cursorAfter(client, `SELECT timestamp::text AS at, id::text FROM audit_logs ORDER BY timestamp DESC, id DESC`, runs),
    };
  } finally {
    await client.end();
    await database.stop();
  }
}

/**
 * The cursor a listing would answer after its first 90% of entries (the app's cursor format:
 * base64url of [timestamp text, id, next page]); walking there page by page would take minutes.
 */
async function cursorAfter(client, ordered, entries) {
  const skipped = Math.max(1, Math.floor(entries * 0.9));
  const { rows } = await client.query(`${ordered} OFFSET ${skipped - 1} LIMIT 1`);
  return Buffer.from(JSON.stringify([rows[0].at, rows[0].id, Math.floor(skipped / 20) + 1])).toString('base64url');
}

const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Each request `samples` times in a row (after two unmeasured): median and slowest, and the total it answered. */
export async function timeReads(baseUrl, headersByRole, requests, samples, seeded) {
  const results = [];
  for (const request of requests) {
    const call = async () => {
      const started = performance.now();
      const response = await fetch(`${baseUrl}${typeof request.path === 'function' ? request.path(seeded) : request.path}`, { headers: headersByRole[request.as] });
      const body = await response.json();
      if (!response.ok) throw new Error(`${request.path} answered ${response.status}: ${JSON.stringify(body)}`);
      return { ms: performance.now() - started, total: body.statistics?.totalExecutions ?? body.pagination?.total ?? body.totalInvocations ?? body.tools?.reduce((sum, tool) => sum + tool.runs, 0) };
    };
    await call();
    await call();
    const timings = [];
    let total;
    for (let i = 0; i < samples; i++) {
      const answer = await call();
      timings.push(answer.ms);
      total = answer.total;
    }
    results.push({ ...request, medianMs: median(timings), maxMs: Math.max(...timings), total });
  }
  return results;
}
