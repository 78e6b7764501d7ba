// Benchmark harness: loads the app and a bare Fastify baseline with the same
// requests and reports throughput, latency and the app/bare ratio.
// Usage: npm run bench (see bench/README.md for the env knobs).
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure } from './lib/load.mjs';
import { measureWs } from './lib/ws-load.mjs';
import { measureIdleWebSockets, rssOf } from './lib/idle-ws.mjs';
import { consoleTable, describeEnvironment, markdownReport, scenarioRows } from './lib/report.mjs';
import { startServer, stopAll, stopChildrenOnExit } from './lib/servers.mjs';
import { seedHistory, timeReads } from './lib/long-history.mjs';
import { FIRST_START, IDLE_WS, LONG_HISTORY, scenarios } from './scenarios.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_FILE = path.join(ROOT, 'bench', 'results', 'latest.md');

function nonNegativeInt(env, name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

/** BENCH_APP_CMD (whitespace-separated, no shell quoting) replaces the built app, e.g. to test the harness. */
function appCommand(env) {
  const override = env.BENCH_APP_CMD?.trim();
  return override ? override.split(/\s+/) : [process.execPath, 'dist/apps/api/src/main.js'];
}

function readSettings(env) {
  const settings = {
    duration: nonNegativeInt(env, 'BENCH_DURATION', 10),
    connections: nonNegativeInt(env, 'BENCH_CONNECTIONS', 50),
    warmup: nonNegativeInt(env, 'BENCH_WARMUP', 2),
    rounds: nonNegativeInt(env, 'BENCH_ROUNDS', 3),
    appCommand: appCommand(env),
  };
  if (settings.duration === 0 || settings.connections === 0 || settings.rounds === 0) {
    throw new Error('BENCH_DURATION, BENCH_CONNECTIONS and BENCH_ROUNDS must be at least 1');
  }
  return settings;
}

/**
 * Temp root for the apps' DATA_DIRs. Removed on exit (sync, so it also happens
 * after a SIGINT, which exits without unwinding).
 */
async function makeRunDir() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mcp-bench-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true, maxRetries: 3 }));
  return dir;
}

/** A fresh app per scenario: its own env, empty data dir, no state left by earlier load. */
async function startApp(scenario, { runDir, settings, dataDir }) {
  return startServer({
    name: 'app',
    command: settings.appCommand,
    cwd: ROOT,
    readyPath: '/ready',
    env: {
      DATABASE_URL: 'memory',
      DATA_DIR: dataDir ?? (await mkdtemp(path.join(runDir, 'data-'))),
      LOG_LEVEL: 'warn',
      ...scenario.env,
    },
  });
}

/** A scenario's own baseline server (the official SDK, a raw ws echo), or the shared bare Fastify. */
async function startBaseline(scenario, bare) {
  if (!scenario.baseline.server) return { server: bare, stop: async () => undefined };
  const server = await startServer({ name: 'baseline', command: [process.execPath, scenario.baseline.server], cwd: ROOT, readyPath: '/ready' });
  return { server, stop: () => server.stop() };
}

async function runScenario(scenario, { bare, runDir, settings }) {
  console.log(`\n== ${scenario.name}`);
  const app = await startApp(scenario, { runDir, settings });
  const baseline = await startBaseline(scenario, bare);
  try {
    // A scenario may ask for fewer connections (CPU-bound routes such as login measure queueing otherwise).
    const load = { ...settings, connections: scenario.connections ?? settings.connections };
    const measureWith = scenario.kind === 'ws' ? measureWs : measure;
    const appHeaders = (await scenario.app.setup?.(app.baseUrl)) ?? {};
    const bareHeaders = (await scenario.baseline.setup?.(baseline.server.baseUrl)) ?? {};
    const measureOne = async (label, server, request, headers) => {
      const result = await measureWith(server.baseUrl, { ...request, headers: { ...request.headers, ...headers } }, { ...load, pid: server.child.pid });
      console.log(`   ${label} ${request.method ?? 'WS'} ${request.path}: ${result.reqPerSec.toFixed(0)}/s`);
      return result;
    };
    const measureSide = {
      app: () => measureOne('app ', app, scenario.app, appHeaders),
      bare: () => measureOne('bare', baseline.server, scenario.baseline, bareHeaders),
    };
    const rounds = [];
    for (let round = 0; round < settings.rounds; round++) {
      // Alternating order, so a host slowing down or speeding up weighs on both sides alike.
      const result = {};
      for (const side of round % 2 === 0 ? ['app', 'bare'] : ['bare', 'app']) result[side] = await measureSide[side]();
      rounds.push(result);
    }
    return scenarioRows(scenario, rounds);
  } finally {
    await baseline.stop();
    await app.stop();
  }
}

/** The memory scenario: many idle authenticated sockets against an RSS ceiling. */
async function runIdleWs({ runDir, settings }) {
  console.log(`\n== ${IDLE_WS.name}`);
  const app = await startApp(IDLE_WS, { runDir, settings });
  try {
    const headers = await IDLE_WS.setup(app.baseUrl);
    const result = await measureIdleWebSockets(app.baseUrl, app.child.pid, headers, IDLE_WS.load);
    if (Object.keys(result.closeCodes).length > 0) console.log(`   closed by the server: ${JSON.stringify(result.closeCodes)}`);
    const mib = (bytes) => (bytes / 1024 / 1024).toFixed(0);
    const verdict = result.stillOpen === result.count && result.rssAfter <= IDLE_WS.target.maxRssBytes ? 'PASS' : 'MISS';
    // The app may give start-up memory back while the sockets open; then a difference means nothing.
    const perSocket = result.rssAfter >= result.rssBefore ? `${((result.rssAfter - result.rssBefore) / result.count / 1024).toFixed(1)} KiB` : 'n/a (RSS fell meanwhile)';
    return (
      `\n## ${IDLE_WS.name}\n\n| sockets | open after idle | opened in | RSS before | RSS after | per socket | ceiling | verdict |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n` +
      `| ${result.count} | ${result.stillOpen} | ${(result.openMs / 1000).toFixed(1)} s | ${mib(result.rssBefore)} MiB | ${mib(result.rssAfter)} MiB | ` +
      `${perSocket} | ${mib(IDLE_WS.target.maxRssBytes)} MiB | ${verdict} |\n`
    );
  } finally {
    await app.stop();
  }
}

/** Memory at rest after the first start on a new data directory: what a fresh deployment holds. */
async function runFirstStart({ runDir, settings }) {
  console.log(`\n== ${FIRST_START.name}`);
  const started = performance.now();
  const app = await startApp(FIRST_START, { runDir, settings });
  try {
    const readyMs = performance.now() - started;
    await FIRST_START.setup(app.baseUrl);
    await new Promise((resolve) => setTimeout(resolve, FIRST_START.restMs));
    const rss = rssOf(app.child.pid);
    const mib = (bytes) => (bytes / 1024 / 1024).toFixed(0);
    const verdict = rss <= FIRST_START.target.maxRssBytes ? 'PASS' : 'MISS';
    console.log(`   ready in ${(readyMs / 1000).toFixed(1)} s, RSS at rest ${mib(rss)} MiB: ${verdict}`);
    return (
      `\n## ${FIRST_START.name}\n\n| ready in | RSS at rest | ceiling | verdict |\n| --- | --- | --- | --- |\n` +
      `| ${(readyMs / 1000).toFixed(1)} s | ${mib(rss)} MiB | ${mib(FIRST_START.target.maxRssBytes)} MiB | ${verdict} |\n`
    );
  } finally {
    await app.stop();
  }
}

/** Reads of a tool with a long run history, written into the data directory between two starts. */
async function runLongHistory({ runDir, settings }) {
  const runs = nonNegativeInt(process.env, 'BENCH_HISTORY_RUNS', LONG_HISTORY.runs);
  console.log(`\n== ${LONG_HISTORY.name}: ${runs} runs`);
  const dataDir = await mkdtemp(path.join(runDir, 'data-'));
  const first = await startApp(LONG_HISTORY, { runDir, settings, dataDir });
  let userId;
  try {
    await LONG_HISTORY.register(first.baseUrl);
    const { user } = await LONG_HISTORY.logIn(first.baseUrl);
    userId = (await (await fetch(`${first.baseUrl}/api/v1/users/me`, { headers: user })).json()).id;
  } finally {
    await first.stop();
  }
  const seeding = performance.now();
  const seeded = await seedHistory(ROOT, dataDir, { runs, userId });
  console.log(`   history written in ${((performance.now() - seeding) / 1000).toFixed(0)} s`);
  const app = await startApp(LONG_HISTORY, { runDir, settings, dataDir });
  try {
    const results = await timeReads(app.baseUrl, await LONG_HISTORY.logIn(app.baseUrl), LONG_HISTORY.requests, LONG_HISTORY.samples, seeded);
    const limit = LONG_HISTORY.target.maxMedianMs;
    const lines = results.map((result) => {
      const verdict = result.medianMs <= limit ? 'PASS' : 'MISS';
      console.log(`   ${result.label}: median ${result.medianMs.toFixed(1)} ms, slowest ${result.maxMs.toFixed(1)} ms, total ${result.total}: ${verdict}`);
      return `| ${result.label} | ${result.total} | ${result.medianMs.toFixed(1)} ms | ${result.maxMs.toFixed(1)} ms | ${limit} ms | ${verdict} |`;
    });
    return `\n## ${LONG_HISTORY.name}: ${runs} runs\n\n| request | total answered | median | slowest | ceiling (median) | verdict |\n| --- | --- | --- | --- | --- | --- |\n${lines.join('\n')}\n`;
  } finally {
    await app.stop();
  }
}

async function main() {
  stopChildrenOnExit();
  const settings = readSettings(process.env);
  console.log(
    `bench: ${scenarios.length} scenario(s), ${settings.duration}s measured + ${settings.warmup}s warm-up, ` +
      `${settings.connections} connections; app: ${settings.appCommand.join(' ')}`,
  );
  const bare = await startServer({
    name: 'bare-fastify',
    command: [process.execPath, 'bench/bare-fastify.mjs'],
    cwd: ROOT,
    readyPath: '/health',
  });
  const runDir = await makeRunDir();
  const rows = [];
  // BENCH_ONLY=<text> runs the scenarios whose name contains it (handy while profiling one path).
  const selected = scenarios.filter((scenario) => !process.env.BENCH_ONLY || scenario.name.includes(process.env.BENCH_ONLY));
  for (const scenario of selected) rows.push(...(await runScenario(scenario, { bare, runDir, settings })));

  const idle = !process.env.BENCH_ONLY || IDLE_WS.name.includes(process.env.BENCH_ONLY) ? await runIdleWs({ runDir, settings }) : '';
  const firstStart = !process.env.BENCH_ONLY || FIRST_START.name.includes(process.env.BENCH_ONLY) ? await runFirstStart({ runDir, settings }) : '';
  const history = !process.env.BENCH_ONLY || LONG_HISTORY.name.includes(process.env.BENCH_ONLY) ? await runLongHistory({ runDir, settings }) : '';

  console.log(`\n${consoleTable(rows)}\n${idle}${firstStart}${history}`);
  const report = markdownReport(await describeEnvironment(ROOT), settings, rows) + idle + firstStart + history;
  await mkdir(path.dirname(RESULTS_FILE), { recursive: true });
  await writeFile(RESULTS_FILE, report);
  console.log(`Results written to ${path.relative(ROOT, RESULTS_FILE)}`);
}

try {
  await main();
} catch (error) {
  console.error(`\nbench failed: ${error.message}`);
  process.exitCode = 1;
} finally {
  await stopAll();
}
