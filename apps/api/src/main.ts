import { ConfigError, loadConfig, type AppConfig } from '@app/config';
import { HealthService } from '@app/health';
import { Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './bootstrap';

const EXIT_MARGIN_MS = 2000;

function configOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    // One clear line naming the variable, then stop.
    console.error(error instanceof ConfigError ? error.message : `Invalid configuration: ${(error as Error).message}`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  const { app, beginShutdown } = await createApp(config);
  await app.listen({ port: config.port, host: config.host });
  const { port } = app.getHttpServer().address() as AddressInfo;
  const logger = new Logger('Main');
  logger.log(`Secure MCP Server ${config.version} listening on http://${config.host}:${port} (database: ${config.database.kind})`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: draining and shutting down`);
    app.get(HealthService).markShuttingDown();
    beginShutdown();
    // Exiting itself takes a moment (the embedded database's worker): the drain stops early enough
    // for the process to be gone within SHUTDOWN_TIMEOUT_MS.
    const drainMs = Math.max(1000, config.shutdownTimeoutMs - EXIT_MARGIN_MS);
    const force = setTimeout(() => {
      logger.error(`shutdown took longer than ${drainMs} ms; exiting`);
      process.exit(1);
    }, drainMs);
    force.unref();
    // A keep-alive connection busy when the server stops would otherwise hold it open until the
    // client gives up: close each one as soon as its last response is out.
    const server = app.getHttpServer() as Server;
    const reaper = setInterval(() => server.closeIdleConnections(), 100);
    reaper.unref();
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`Failed to start: ${message.split('\n')[0]}`);
  process.exit(1);
});
