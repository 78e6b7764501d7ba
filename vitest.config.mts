import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const libs = ['admin', 'audit', 'auth', 'common', 'config', 'contexts', 'contracts', 'database', 'events', 'health', 'mail', 'organizations', 'realtime', 'rpc', 'security', 'sessions', 'testing', 'tools', 'webhooks'];

export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' }, jsc: { transform: { legacyDecorator: true, decoratorMetadata: true } } })],
  resolve: {
    alias: Object.fromEntries(libs.map((lib) => [`@app/${lib}`, resolve(import.meta.dirname, `libs/${lib}/src`)])),
  },
  test: {
    globalSetup: ['libs/testing/src/global-setup.ts'],
    // Unit specs mock modules and clocks, so each file gets fresh modules. The e2e suites boot
    // whole apps and mock nothing: they share a worker's imported modules, which saves about two
    // minutes of importing the app into every file in each CI phase.
    projects: [
      { extends: true, test: { name: 'unit', include: ['libs/**/*.spec.ts', 'apps/**/*.spec.ts'], isolate: true } },
      { extends: true, test: { name: 'e2e', include: ['test/**/*.e2e-spec.ts'], isolate: false } },
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
