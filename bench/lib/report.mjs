// Results table (console and Markdown) and the environment it was measured on.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const COLUMNS = ['scenario', 'target', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'CPU µs/req', 'main µs/req', 'app/bare', 'verdict'];

/** Why a scenario missed its target, or [] when it met it. */
function misses(target, app, ratio) {
  const reasons = [];
  if (target.minRatio !== undefined && ratio < target.minRatio) {
    reasons.push(`ratio ${ratio.toFixed(2)} < ${target.minRatio}`);
  }
  if (target.maxP99Ms !== undefined && app.p99Ms !== null && app.p99Ms > target.maxP99Ms) {
    reasons.push(`p99 ${app.p99Ms.toFixed(2)} ms > ${target.maxP99Ms} ms`);
  }
  // A fast stream of errors is not a result.
  if (app.non2xx > 0 || app.errors > 0) reasons.push('failed requests');
  return reasons;
}

function verdict(target, app, ratio) {
  if (!target) return '';
  const reasons = misses(target, app, ratio);
  return reasons.length ? `MISS (${reasons.join('; ')})` : 'PASS';
}

/** One scenario's outcome -> two table rows (app, then bare). */
const ms = (value) => (value === null ? 'n/a' : value.toFixed(2));
const us = (value) => (value === null || value === undefined ? 'n/a' : value.toFixed(0));

/**
 * One scenario's rounds (each an app and a bare measurement, back to back) -> two table rows: the
 * round whose ratio is the median, with every round's ratio beside it. A host whose speed drifts
 * (other tenants) moves single measurements by 15% and more; the median of interleaved rounds
 * is what compares.
 */
export function scenarioRows({ name, target }, rounds) {
  const ratios = rounds.map(({ app, bare }) => app.reqPerSec / bare.reqPerSec);
  const order = ratios.map((_, i) => i).sort((a, b) => ratios[a] - ratios[b]);
  const median = order[Math.floor((order.length - 1) / 2)];
  const { app, bare } = rounds[median];
  const ratio = ratios[median];
  const cells = (label, m) => [
    name,
    label,
    m.reqPerSec.toFixed(0),
    ms(m.p50Ms),
    ms(m.p99Ms),
    String(m.non2xx),
    String(m.errors),
    us(m.cpuUs),
    us(m.mainUs),
  ];
  const shown = rounds.length > 1 ? `${ratio.toFixed(2)} (${ratios.map((r) => r.toFixed(2)).join(', ')})` : ratio.toFixed(2);
  return [
    [...cells('app', app), shown, verdict(target, app, ratio)],
    [...cells('bare', bare), '', ''],
  ];
}

export function consoleTable(rows) {
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  return [line(COLUMNS), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function markdownTable(rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(COLUMNS), line(COLUMNS.map(() => '---')), ...rows.map(line)].join('\n');
}

async function packageVersion(root, name) {
  try {
    const manifest = JSON.parse(await readFile(path.join(root, 'node_modules', name, 'package.json'), 'utf8'));
    return manifest.version;
  } catch {
    return 'not installed';
  }
}

export async function describeEnvironment(root) {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpu: `${cpus[0]?.model ?? 'unknown'} x ${cpus.length}`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    fastify: await packageVersion(root, 'fastify'),
    nestCore: await packageVersion(root, '@nestjs/core'),
    autocannon: await packageVersion(root, 'autocannon'),
  };
}

export function markdownReport(environment, settings, rows) {
  return `# Benchmark results

- Date: ${environment.date}
- CPU: ${environment.cpu}
- Memory: ${environment.memory}
- OS: ${environment.os}
- Node: ${environment.node}
- fastify ${environment.fastify}, @nestjs/core ${environment.nestCore}, autocannon ${environment.autocannon}
- Load: ${settings.duration} s measured after ${settings.warmup} s warm-up, ${settings.connections} connections, 127.0.0.1; ${settings.rounds} round(s) per scenario, app and bare back to back, in alternating order
- App command: \`${settings.appCommand.join(' ')}\`

${markdownTable(rows)}

\`app/bare\` is the app's average req/s divided by the bare Fastify baseline's, in the round with the median
ratio (its rows are the ones shown); every round's ratio follows in brackets.
\`errors\` counts connection errors and timeouts; latencies are over 2xx responses only (n/a: none).
\`CPU µs/req\` is the server process's CPU time (every thread: database worker, GC, libuv) per request
while measured, and \`main µs/req\` its event loop thread's alone, from /proc. Throughput swings with the
host. CPU per request shows where the time goes (the event loop's thread against the others), but it
moves with the host too: compare it within one run, or between back-to-back runs.
`;
}
