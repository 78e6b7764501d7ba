import { AuditWriter } from '@app/audit';
import { ApiError, type RequestOrigin } from '@app/common';
import type { HttpTool, HttpToolImportDto, HttpToolImportResult, HttpToolInputDto } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { HttpToolsService } from './http-tools.service';
import { baseUrlOf, type OperationTool, operationsOf } from './openapi-operations';

/** More in one import is more likely a mistake than a plan: choose them with operationIds. */
const MAX_TOOLS_PER_IMPORT = 200;

type Skipped = HttpToolImportResult['skipped'][number];

/**
 * Makes HTTP tools of an OpenAPI document's operations, each exactly as an admin's POST makes one;
 * what cannot be sent as an HTTP tool, or is refused, is skipped with the reason.
 */
@Injectable()
export class HttpToolImporter {
  constructor(
    private readonly httpTools: HttpToolsService,
    private readonly audit: AuditWriter,
  ) {}

  async import(input: HttpToolImportDto, actor: string, origin: RequestOrigin): Promise<HttpToolImportResult> {
    const { document } = input;
    if (typeof document.paths !== 'object' || document.paths === null || Array.isArray(document.paths)) {
      throw ApiError.validation('The document has no paths', [{ field: 'document.paths', message: 'an OpenAPI document with paths', code: 'REQUIRED' }]);
    }
    const baseUrl = baseUrlOf(document, input.baseUrl);
    if (!baseUrl) {
      const message = 'give an absolute http(s) baseUrl: the document names no absolute server url';
      throw ApiError.validation(message, [{ field: 'baseUrl', message, code: input.baseUrl === undefined ? 'REQUIRED' : 'INVALID_FORMAT' }]);
    }
    const outcomes = operationsOf(document, baseUrl, { prefix: input.prefix, operationIds: input.operationIds });
    const tools = outcomes.flatMap((outcome) => (outcome.kind === 'tool' ? [{ operation: outcome.operation, tool: outcome.tool }] : []));
    if (tools.length > MAX_TOOLS_PER_IMPORT) {
      const message = `the document has ${tools.length} operations to make tools of, more than ${MAX_TOOLS_PER_IMPORT}: choose some with operationIds`;
      throw ApiError.validation(message, [{ field: 'operationIds', message, code: 'TOO_MANY_ITEMS' }]);
    }
    const skipped: Skipped[] = [
      ...outcomes.flatMap((outcome) => (outcome.kind === 'skipped' ? [{ operation: outcome.operation, reason: outcome.reason }] : [])),
      ...this.missing(input.operationIds, outcomes),
    ];
    const created: HttpTool[] = [];
    const planned: HttpToolImportResult['planned'] = [];
    for (const { operation, tool } of tools) {
      const definition = this.definitionOf(input, tool);
      try {
        if (input.dryRun) {
          this.httpTools.check(definition);
          planned.push({ operation, name: tool.name, description: tool.description, method: tool.method, url: tool.url, inputSchema: tool.inputSchema, query: [...tool.query] });
        } else {
          created.push(await this.httpTools.create(definition, actor, origin));
        }
      } catch (error) {
        if (!(error instanceof ApiError) || error.status >= 500) throw error;
        skipped.push({ operation, reason: reasonOf(error) });
      }
    }
    await this.audit.record({
      action: 'http_tool.import',
      result: 'success',
      userId: actor,
      resource: 'http_tools',
      details: { baseUrl, dryRun: input.dryRun === true, created: created.map((tool) => tool.name), planned: planned.length, skipped: skipped.length },
      origin,
    });
    return { dryRun: input.dryRun === true, created, planned, skipped };
  }

  private definitionOf(input: HttpToolImportDto, tool: OperationTool): HttpToolInputDto {
    return {
      name: tool.name,
      description: tool.description,
      method: tool.method,
      url: tool.url,
      inputSchema: tool.inputSchema,
      ...(tool.query.length > 0 ? { query: [...tool.query] } : {}),
      ...(input.category ? { category: input.category } : {}),
      ...(input.headers ? { headers: input.headers } : {}),
      ...(input.auth ? { auth: input.auth } : {}),
      ...(input.permissions ? { permissions: input.permissions } : {}),
      ...(input.timeoutMs ? { timeoutMs: input.timeoutMs } : {}),
      ...(input.credentialScan ? { credentialScan: input.credentialScan } : {}),
    };
  }

  /** Operation ids asked for that the document does not have: said, not silently dropped. */
  private missing(operationIds: readonly string[] | undefined, outcomes: ReturnType<typeof operationsOf>): Skipped[] {
    const found = new Set(outcomes.map((outcome) => outcome.operation));
    return (operationIds ?? []).filter((id) => !found.has(id)).map((id) => ({ operation: id, reason: 'no operation of the document has this operationId' }));
  }
}

function reasonOf(error: ApiError): string {
  const detail = error.details?.[0];
  return detail && !error.message.includes(detail.message) ? `${error.message} (${detail.field}: ${detail.message})` : error.message;
}
