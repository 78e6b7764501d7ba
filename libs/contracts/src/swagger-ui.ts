import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { loadOpenApiDocument } from './openapi-document';

export const SWAGGER_UI_PREFIX = '/api/docs';

/** Swagger UI showing openapi.yaml itself (static mode: nothing is inferred from routes). */
export async function registerSwaggerUi(fastify: FastifyInstance): Promise<void> {
  await fastify.register(fastifySwagger, { mode: 'static', specification: { document: loadOpenApiDocument().json as never } });
  await fastify.register(fastifySwaggerUi, { routePrefix: SWAGGER_UI_PREFIX, uiConfig: { docExpansion: 'list', deepLinking: true } });
}
