import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const libs = ['admin', 'audit', 'auth', 'common', 'config', 'contexts', 'contracts', 'database', 'events', 'health', 'realtime', 'rpc', 'security', 'sessions', 'testing', 'tools', 'webhooks'];

export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' }, jsc: { transform: { legacyDecorator: true, decoratorMetadata: true } } })],
  resolve: {
    alias: Object.fromEntries(libs.map((lib) => [`@app/${lib}`, resolve(import.meta.dirname, `libs/${lib}/src`)])),
  },
  test: {
    globalSetup: ['libs/testing/src/global-setup.ts'],
    include: ['libs/**/*.spec.ts', 'apps/**/*.spec.ts', 'test/**/*.e2e-spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
