// Benchmark scenarios. Each one loads `app` on the app and `baseline` on the
// bare Fastify server, then reports the app/bare throughput ratio.
//
// Shape:
//   name:         label shown in the report
//   env?:         extra environment for the app process (a fresh app is started per scenario)
//   connections?: overrides BENCH_CONNECTIONS for this scenario
//   app:          { method, path, headers?, body?, setup? }
//                 setup(baseUrl) is awaited once before the load and returns extra
//                 headers (e.g. an Authorization header after logging in)
//   baseline:     { method, path, body? }
//   target?:      { minRatio?, maxP99Ms? }  -> PASS/MISS in the report

const BENCH_USER = { email: 'bench@example.test', password: 'Bench!Passw0rd-Load', name: 'Bench User' };
// Benchmarks hammer one account from one address: lift the limits that protect real logins.
const UNLIMITED = { RATE_LIMIT_LOGIN: '100000000/900', RATE_LIMIT_LOGIN_IP: '100000000/900', RATE_LIMIT_REGISTER: '1000/3600' };

async function post(url, body, headers = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** Registers the bench user and returns its Authorization header. */
async function loggedIn(baseUrl) {
  await post(`${baseUrl}/api/v1/auth/register`, BENCH_USER);
  const { accessToken } = await post(`${baseUrl}/api/v1/auth/login`, { email: BENCH_USER.email, password: BENCH_USER.password });
  return { authorization: `Bearer ${accessToken}` };
}

export const scenarios = [
  {
    name: 'GET /health',
    app: { method: 'GET', path: '/health' },
    baseline: { method: 'GET', path: '/health' },
  },
  {
    // Authentication on the hot path: RS256 verify against a pre-parsed key + in-memory revocation check.
    name: 'GET /api/v1/users/me (JWT)',
    env: UNLIMITED,
    app: { method: 'GET', path: '/api/v1/users/me', setup: loggedIn },
    baseline: { method: 'GET', path: '/health' },
  },
  {
    // argon2id (19 MiB, t=2) dominates by design; p50 is the figure that matters.
    name: 'POST /api/v1/auth/login',
    env: UNLIMITED,
    connections: 4,
    app: {
      method: 'POST',
      path: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: BENCH_USER.email, password: BENCH_USER.password }),
      setup: async (baseUrl) => {
        await post(`${baseUrl}/api/v1/auth/register`, BENCH_USER);
        return {};
      },
    },
    baseline: { method: 'POST', path: '/echo', body: JSON.stringify({ email: BENCH_USER.email, password: BENCH_USER.password }) },
  },
];
