import { httpJson, processAlive, spawnServer, useProcessWorkspace } from '@app/testing';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const EVERYTHING = join(process.cwd(), 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const ADMIN = { email: 'ops@example.test', password: 'Op3rator!Passw0rd' };


/** Real processes: stdio children die with the server, and enabled upstreams return at start. */
describe('upstreams across a restart', () => {
  const workspace = useProcessWorkspace('upstream');

  it('kills the stdio child on shutdown and reconnects the enabled server at the next start', async () => {
    const { env: storage } = await workspace.prepare();
    const env = {
      ...storage,
      UPSTREAM_STDIO_COMMANDS: process.execPath,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    };
    const call = httpJson;

    const first = await spawnServer(env);
    let pid: number;
    try {
      const token = (await call(first.baseUrl, 'POST', '/api/v1/auth/login', ADMIN)).body.accessToken as string;
      const created = await call(first.baseUrl, 'POST', '/api/v1/admin/servers', { name: 'everything', transport: { type: 'stdio', command: process.execPath, args: [EVERYTHING, 'stdio'] } }, token);
      expect(created.status).toBe(201);
      expect(created.body.status).toBe('connected');
      pid = created.body.pid as number;
      expect(processAlive(pid)).toBe(true);
    } finally {
      expect(await first.stop()).toBe(0);
    }
    expect(processAlive(pid)).toBe(false);

    const second = await spawnServer(env);
    try {
      const token = (await call(second.baseUrl, 'POST', '/api/v1/auth/login', ADMIN)).body.accessToken as string;
      const started = Date.now();
      let view: Record<string, unknown> = {};
      while (Date.now() - started < 15_000) {
        const list = await call(second.baseUrl, 'GET', '/api/v1/admin/servers', undefined, token);
        view = (list.body.servers as Array<Record<string, unknown>>)[0];
        if (view.status === 'connected') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(view).toMatchObject({ name: 'everything', status: 'connected' });
      expect(view.pid).not.toBe(pid);
      const run = await call(second.baseUrl, 'POST', '/api/v1/tools/everything__echo/execute', { parameters: { message: 'back again' } }, token);
      expect(run.body).toMatchObject({ status: 'completed' });
    } finally {
      await second.stop();
    }
  });
});
