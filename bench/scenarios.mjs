// Benchmark scenarios. Each one loads `app` on the app and `baseline` on the
// bare Fastify server, then reports the app/bare throughput ratio.
//
// Shape:
//   name:     label shown in the report
//   env?:     extra environment for the app process (a fresh app is started per scenario)
//   app:      { method, path, headers?, body?, setup? }
//             setup(baseUrl) is awaited once before the load and returns extra
//             headers (e.g. an Authorization header after logging in)
//   baseline: { method, path, body? }
//   target?:  { minRatio?, maxP99Ms? }  -> PASS/MISS in the report
export const scenarios = [
  {
    name: 'GET /health',
    app: { method: 'GET', path: '/health' },
    baseline: { method: 'GET', path: '/health' },
  },
];
