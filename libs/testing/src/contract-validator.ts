import SwaggerParser from '@apidevtools/swagger-parser';
import { CONTRACT_OPERATIONS, loadOpenApiDocument, type ContractOperation } from '@app/contracts';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;

interface ResponseSpec {
  readonly content?: Record<string, { schema?: Json }>;
}

/** OpenAPI 3.0 schema -> JSON Schema: `nullable` becomes a null branch, examples are dropped. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const copy: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === 'example' || key === 'nullable' || key.startsWith('x-')) continue;
    copy[key] = toJsonSchema(value);
  }
  if ((node as Json).nullable === true) {
    if (typeof copy.type === 'string') copy.type = [copy.type, 'null'];
    else if (!Array.isArray(copy.enum)) return { anyOf: [{ type: 'null' }, copy] }; // e.g. a nullable oneOf
    if (Array.isArray(copy.enum)) copy.enum = [...copy.enum, null];
  }
  return copy;
}

/** Validates responses against openapi.yaml: the operation, its status, its content schema. */
export class ContractValidator {
  private readonly ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  private constructor(private readonly document: Json) {
    addFormats(this.ajv);
  }

  static async load(): Promise<ContractValidator> {
    const dereferenced = (await SwaggerParser.dereference(structuredClone(loadOpenApiDocument().json) as never)) as unknown as Json;
    return new ContractValidator(dereferenced);
  }

  operation(operationId: string): ContractOperation {
    const operation = CONTRACT_OPERATIONS.find((candidate) => candidate.operationId === operationId);
    if (!operation) throw new Error(`openapi.yaml has no operation ${operationId}`);
    return operation;
  }

  /** Throws, naming the operation and status, when the response breaks the contract. */
  assertResponse(operationId: string, status: number, contentType: string | null, body: unknown): void {
    const { method, path } = this.operation(operationId);
    const paths = this.document.paths as Record<string, Record<string, { responses: Record<string, ResponseSpec> }>>;
    const responses = paths[path][method.toLowerCase()].responses;
    const response = responses[String(status)] ?? responses.default;
    if (!response) throw new Error(`${operationId}: status ${status} is not documented in openapi.yaml (body: ${JSON.stringify(body).slice(0, 300)})`);
    if (!response.content) return;
    const mediaType = (contentType ?? '').split(';')[0].trim();
    const media = response.content[mediaType];
    if (!media) throw new Error(`${operationId} ${status}: content type '${mediaType}' is not documented (expected ${Object.keys(response.content).join(', ')})`);
    if (!media.schema || mediaType !== 'application/json') return;
    const key = `${operationId} ${status} ${mediaType}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(media.schema) as Json);
      this.compiled.set(key, validate);
    }
    if (!validate(body)) {
      throw new Error(`${operationId} ${status} does not match openapi.yaml: ${this.ajv.errorsText(validate.errors)}\nbody: ${JSON.stringify(body).slice(0, 500)}`);
    }
  }

  /** For answers outside any operation (unknown routes): the Error schema alone. */
  assertErrorEnvelope(body: unknown): void {
    const schemas = (this.document.components as { schemas: Json }).schemas;
    let validate = this.compiled.get('#Error');
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(schemas.Error) as Json);
      this.compiled.set('#Error', validate);
    }
    if (!validate(body)) throw new Error(`not an error envelope: ${this.ajv.errorsText(validate.errors)}\nbody: ${JSON.stringify(body).slice(0, 500)}`);
  }
}
