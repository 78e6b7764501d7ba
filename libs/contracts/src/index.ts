// The generated DTOs' decorators need the metadata API before they load.
import 'reflect-metadata';
export * from './generated';
export { ContractsModule } from './contracts.module';
export { loadOpenApiDocument } from './openapi-document';
export type { OpenApiDocument } from './openapi-document';
export { registerSwaggerUi, SWAGGER_UI_PREFIX } from './swagger-ui';
