// Load generation with autocannon's programmatic API, in this process.
import autocannon from 'autocannon';
import { withCpu } from './cpu.mjs';

/** Turns a scenario request ({method, path, headers?, body?}) into autocannon options. */
function requestOptions(baseUrl, { method, path, headers = {}, body }) {
  const options = { url: baseUrl + path, method, headers: { ...headers } };
  if (body !== undefined) {
    options.body = typeof body === 'string' ? body : JSON.stringify(body);
    options.headers['content-type'] ??= 'application/json';
  }
  return options;
}

/**
 * Collects every 2xx response time. autocannon's own histogram truncates to
 * whole milliseconds, which reads as "0 ms" for anything fast.
 */
function recordLatencies(instance) {
  let samples = new Float64Array(1 << 16);
  let count = 0;
  instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
    if (statusCode < 200 || statusCode > 299) return;
    if (count === samples.length) {
      const grown = new Float64Array(samples.length * 2);
      grown.set(samples);
      samples = grown;
    }
    samples[count++] = responseTimeMs;
  });
  return () => samples.subarray(0, count).sort();
}

/** Nearest-rank percentile of sorted values; null when nothing succeeded. */
function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Warms the target up (results discarded: JIT, connection pools, caches),
 * then runs the measured load; `pid` (the server's) adds its CPU per request.
 */
export async function measure(baseUrl, request, { duration, warmup, connections, pid }) {
  const options = { ...requestOptions(baseUrl, request), connections };
  if (warmup > 0) await autocannon({ ...options, duration: warmup });
  return withCpu(pid, async () => {
    const instance = autocannon({ ...options, duration });
    const sortedLatencies = recordLatencies(instance);
    const result = await instance;
    const latencies = sortedLatencies();
    return {
      reqPerSec: result.requests.average,
      requests: result.requests.total,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      non2xx: result.non2xx,
      // Connection errors and timeouts (autocannon counts timeouts as errors).
      errors: result.errors,
    };
  });
}
