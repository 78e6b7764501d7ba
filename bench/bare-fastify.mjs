// Bare Fastify baseline: the same routes the app serves, with none of its
// framework, security or logging layers, so ratios show what those cost.
import Fastify from 'fastify';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';

const app = Fastify({ logger: false });

app.get('/health', async () => ({
  status: 'healthy',
  timestamp: new Date().toISOString(),
  version: '1.0.0',
}));

// Lets this server stand in for the app (BENCH_APP_CMD), whose readiness probe is /ready.
app.get('/ready', async () => ({ status: 'ready' }));

app.post('/echo', async (request) => request.body);

// Close cleanly so the harness sees a prompt exit on SIGTERM/SIGINT.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    app.close().then(() => process.exit(0), () => process.exit(1));
  });
}

await app.listen({ port, host });
