import 'reflect-metadata';
import { AllExceptionsFilter, clientErrorHandler, createLogger, createValidationPipe, frameworkErrorHandler, installBodyParsers, PinoNestLogger, proxyTrust, requestIdFor } from '@app/common';
import type { AppConfig } from '@app/config';
import { registerSwaggerUi } from '@app/contracts';
import { MetricsService } from '@app/health';
import { RpcWsAdapter, WsUpgradeGate } from '@app/realtime';
import { SessionActivity } from '@app/sessions';
import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { LogController } from 'fastify';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { aliasRoutes, configuredCors, installHttpHooks, installOpenCors, installShutdownGate, installVersionNegotiation, recordRoutes, type RouteRecord, securityHeaders } from './http-platform';

export interface BootedApp {
  readonly app: NestFastifyApplication;
  /** Every route Fastify serves (Nest's and plugins'), as registered. */
  readonly routes: readonly RouteRecord[];
  /** From now on, requests are answered 503 (and /ready its 503 Readiness): main.ts calls it on SIGTERM. */
  readonly beginShutdown: () => void;
}

/** Builds the whole application, initialised but not listening: main.ts and tests share it. */
export async function createApp(config: AppConfig): Promise<BootedApp> {
  const logger = createLogger(config.logLevel);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // One access-log line per request is written by our onResponse hook instead.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: requestIdFor,
    // Fastify's per-request child logger cost a pino child (and a level set) on every request; our
    // log lines carry the request id themselves, so requests share the one logger.
    childLoggerFactory: () => logger,
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    bodyLimit: config.bodyLimitBytes,
    // Fastify answers 414 for a path parameter over 100 characters, but an upstream tool's id
    // (`<server>__<tool>`) may be 200: longer ones reach validation and get its 400.
    routerOptions: { maxParamLength: 1024 },
    // HEAD would run each GET handler in full (an audit export, audited) to send no body; the
    // contract has no HEAD operation.
    exposeHeadRoutes: false,
    trustProxy: proxyTrust(config.trustProxy),
    rewriteUrl: aliasRoutes,
    requestTimeout: config.requestTimeoutMs,
    // installShutdownGate answers requests during shutdown, in the envelope.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
    bodyParser: false, // installBodyParsers() below
  });
  const fastify = app.getHttpAdapter().getInstance();
  const routes = recordRoutes(fastify);
  // A text/plain body sent to a JSON API is a client mistake: answer 415 rather than parse it.
  fastify.removeContentTypeParser('text/plain');
  installBodyParsers(fastify);
  installHttpHooks(fastify, app.get(MetricsService), app.get(SessionActivity), logger, securityHeaders(config.publicUrl));
  installVersionNegotiation(fastify);
  installOpenCors(fastify);
  const beginShutdown = installShutdownGate(fastify);
  // Discovery documents live at the root, where clients look for them.
  app.setGlobalPrefix('api/v1', {
    exclude: [
      { path: '.well-known/jwks.json', method: RequestMethod.GET },
      { path: '.well-known/oauth-protected-resource', method: RequestMethod.GET },
      { path: '.well-known/oauth-authorization-server', method: RequestMethod.GET },
      { path: 'mcp', method: RequestMethod.ALL },
      { path: 'mcp/:contextId', method: RequestMethod.ALL },
    ],
  });
  app.useWebSocketAdapter(new RpcWsAdapter(app, app.get(WsUpgradeGate)));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  if (config.corsOrigins.length > 0) app.enableCors({ delegator: configuredCors(config.corsOrigins) });
  await registerSwaggerUi(fastify);
  await app.init();
  return { app, routes, beginShutdown };
}
