import { AuditWriter } from '@app/audit';
import { ApiError, type RequestOrigin, sqlState } from '@app/common';
import { AppConfig } from '@app/config';
import type { HttpTool, HttpToolInputDto } from '@app/contracts';
import { EventBus } from '@app/events';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit, Optional } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { type Destination, IdentityAssertions, SecretBox } from '@app/security';
import { assertValidHeaders, exchange, type HttpAnswer, RESERVED_HEADERS, trustedDestination } from '../builtins/http-exchange';
import { CallerOrganizations, checkOrganizationsExist } from '../registry/caller-organizations';
import { ToolClashError, ToolRegistry } from '../registry/tool-registry';
import { ToolSettingsService } from '../registry/tool-settings.service';
import { type ToolDefinition, ToolFailure, type ToolRunContext } from '../tool.types';
import { maskedAuth, sealAuth, unsealAuth } from '../upstream/sealed-auth';
import { type CredentialScanMode, scanCredentials } from '../upstream/credential-scan';
import { MASK, secretScrubber } from '../upstream/secret-scrubber';
import { TokenEndpointError, UpstreamCredentials } from '../upstream/upstream-auth';
import { authHeader, authProblems } from '../upstream/upstream-input-rules';
import { HttpToolEntity, type HttpToolIdentitySettings } from './http-tool.entity';
import { annotationsOf, answerBody, buildRequest, derivedInputSchema, inputSchemaProblems, parseResponsePath, parseUrlTemplate, type PathStep, selectPath, type UrlTemplate } from './http-tool-request';

declare module '@app/events' {
  interface EventMap {
    /** An admin created, changed or deleted an HTTP tool: every instance registers it anew or drops it. */
    'http-tools.changed': { id: string; toolId: string; action: 'created' | 'updated' | 'deleted' };
  }
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** An input schema is a description, not a document: past this it is refused. */
const MAX_SCHEMA_CHARS = 65_536;

const toolIdOf = (name: string): string => `tool_${name}`;
const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'PUT', 'DELETE']);
/** Headers whose values are credentials, masked wherever an answer repeats them. */
const CREDENTIAL_HEADER = /auth|token|key|secret|password|cookie|session|signature|credential/i;

/**
 * REST endpoints that admins serve as tools. Kept in the database (header values sealed), put in
 * the registry at start and whenever one changes (told to every instance by event), and run
 * through the same engine as every other tool.
 */
@Injectable()
export class HttpToolsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('HttpTools');
  private readonly rows: Repository<HttpToolEntity>;
  private unsubscribe?: () => void;
  private following: Promise<void> = Promise.resolve();

  constructor(
    dataSource: DataSource,
    private readonly registry: ToolRegistry,
    private readonly events: EventBus,
    private readonly audit: AuditWriter,
    private readonly secrets: SecretBox,
    private readonly config: AppConfig,
    private readonly settings: ToolSettingsService,
    @Optional() private readonly assertions?: IdentityAssertions,
    @Optional() private readonly organizations?: CallerOrganizations,
  ) {
    this.rows = dataSource.getRepository(HttpToolEntity);
  }

  async onModuleInit(): Promise<void> {
    this.unsubscribe = this.events.on('http-tools.changed', (event) => {
      if (event.origin === this.events.instanceId) return;
      // In the order the events came: an update's slow read must not bring back a tool deleted after it.
      const following = this.following.then(() => this.follow(event.payload.id, event.payload.toolId));
      this.following = following.catch((error: Error) => this.logger.warn(`HTTP tool ${event.payload.toolId} not followed: ${error.message}`));
      return following;
    });
    for (const row of await this.rows.find()) {
      try {
        this.serve(row, false);
      } catch (error) {
        // One tool that cannot be served (sealed with another SECRETS_KEY) keeps none of the others from starting.
        this.logger.error(`HTTP tool ${row.name} is not served: ${(error as Error).message}`);
      }
    }
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  async list(): Promise<HttpTool[]> {
    return (await this.rows.find({ order: { name: 'ASC' } })).map((row) => this.view(row));
  }

  async get(id: string): Promise<HttpTool> {
    return this.view(await this.find(id));
  }

  /** Refuses what create would refuse, and makes nothing (an import's dry run). */
  check(input: HttpToolInputDto): void {
    this.newToolFields(input);
  }

  async create(input: HttpToolInputDto, actor: string, origin: RequestOrigin): Promise<HttpTool> {
    const fields = this.newToolFields(input);
    await checkOrganizationsExist(input.organizations, this.organizations);
    let row: HttpToolEntity;
    try {
      row = await this.rows.save(this.rows.create({ ...fields, createdBy: actor }));
    } catch (error) {
      if (sqlState(error) === '23505') throw this.nameTaken(input.name);
      throw error;
    }
    this.serve(row);
    await this.audit.record({ action: 'http_tool.create', result: 'success', userId: actor, resource: toolIdOf(row.name), details: this.auditDetails(row), origin });
    this.events.publish('http-tools.changed', { id: row.id, toolId: toolIdOf(row.name), action: 'created' });
    return this.view(row);
  }

  async update(id: string, input: HttpToolInputDto, actor: string, origin: RequestOrigin): Promise<HttpTool> {
    const existing = await this.find(id);
    if (input.name !== existing.name) {
      const message = `an HTTP tool keeps its name '${existing.name}': callers, contexts and tool settings know it by it; create another tool instead`;
      throw ApiError.validation(message, [{ field: 'name', message, code: 'IMMUTABLE' }]);
    }
    const fields = this.fields(input, existing);
    await checkOrganizationsExist(input.organizations, this.organizations);
    const row = await this.rows.save({ ...existing, ...fields });
    this.serve(row);
    await this.audit.record({ action: 'http_tool.update', result: 'success', userId: actor, resource: toolIdOf(row.name), details: this.auditDetails(row), origin });
    this.events.publish('http-tools.changed', { id: row.id, toolId: toolIdOf(row.name), action: 'updated' });
    return this.view(row);
  }

  async remove(id: string, actor: string, origin: RequestOrigin): Promise<void> {
    const row = await this.find(id);
    await this.rows.delete({ id });
    this.forget(toolIdOf(row.name));
    await this.settings.forget(toolIdOf(row.name));
    await this.audit.record({ action: 'http_tool.delete', result: 'success', userId: actor, resource: toolIdOf(row.name), details: { name: row.name }, origin });
    this.events.publish('http-tools.changed', { id: row.id, toolId: toolIdOf(row.name), action: 'deleted' });
  }

  /** Another instance changed a tool: serve what the database now holds. */
  private async follow(id: string, toolId: string): Promise<void> {
    const row = await this.rows.findOneBy({ id });
    if (row) this.serve(row);
    else this.forget(toolId);
  }

  /**
   * A deleted organization leaves every tool's list (an emptied list keeps the tool to admins,
   * never opens it to everyone), on every instance.
   */
  async forgetOrganization(organizationId: string): Promise<void> {
    const [rows] = (await this.rows.query(`UPDATE http_tools SET organizations = array_remove(organizations, $1::uuid) WHERE $1::uuid = ANY(organizations) RETURNING id`, [organizationId])) as [Array<{ id: string }>, number];
    for (const { id } of rows) {
      const row = await this.find(id);
      this.serve(row);
      this.events.publish('http-tools.changed', { id, toolId: toolIdOf(row.name), action: 'updated' });
    }
  }

  /** Drops the HTTP tool of that id: never another owner's tool that holds the id now (a built-in that took the name). */
  private forget(toolId: string): void {
    if (this.registry.find(toolId)?.definition.source !== 'http') return;
    this.registry.unregister(toolId, 'HTTP tool deleted');
    this.registry.keepTool(toolId, null);
  }

  /** Registers the tool as the row says; clients are told the list changed, except at start, when none is connected yet. */
  private serve(row: HttpToolEntity, announce = true): void {
    const definition = this.definitionOf(row);
    const holder = this.registry.find(definition.id) ?? this.registry.find(definition.name);
    if (holder && holder.definition.source !== 'http') {
      // A built-in of a newer release may have taken the name: the tool waits, says why, and keeps nothing of the built-in's from anyone.
      this.logger.warn(new ToolClashError(definition, holder.definition).message);
      return;
    }
    // Kept before it is registered: no moment where everyone could run it.
    this.registry.keepTool(definition.id, row.organizations);
    this.registry.register(definition);
    if (announce) this.events.publish('tools.changed', { reason: 'HTTP tool defined' });
  }

  private async find(id: string): Promise<HttpToolEntity> {
    const row = await this.rows.findOneBy({ id });
    if (!row) throw ApiError.notFound(`HTTP tool '${id}'`);
    return row;
  }

  private newToolFields(input: HttpToolInputDto): ReturnType<HttpToolsService['fields']> {
    if (this.registry.find(toolIdOf(input.name)) ?? this.registry.find(input.name)) throw this.nameTaken(input.name);
    return this.fields(input, undefined);
  }

  private nameTaken(name: string): ApiError {
    return ApiError.conflict(`A tool named '${name}' already exists`, [{ field: 'name', message: 'name is taken', code: 'ALREADY_EXISTS' }]);
  }

  /** The row's fields from an admin's input, checked, its header values sealed. */
  private fields(input: HttpToolInputDto, previous: HttpToolEntity | undefined): Omit<HttpToolEntity, 'id' | 'createdBy' | 'createdAt' | 'updatedAt'> {
    if (input.name.startsWith('tool_')) {
      const message = 'a name does not start with tool_: tool ids do (tool_<name>), and one tool would answer to another\'s id';
      throw ApiError.validation(`name: ${message}`, [{ field: 'name', message, code: 'INVALID_VALUE' }]);
    }
    const template = parseUrlTemplate(input.url);
    const inputSchema = input.inputSchema ?? derivedInputSchema(template);
    this.checkSchema(inputSchema, template);
    const ceiling = this.config.tools.httpMaxResponseBytes;
    if (input.maxResponseBytes !== undefined && input.maxResponseBytes > ceiling) {
      const message = `at most ${ceiling} (HTTP_TOOL_MAX_RESPONSE_BYTES)`;
      throw ApiError.validation(`maxResponseBytes: ${message}`, [{ field: 'maxResponseBytes', message, code: 'TOO_LARGE' }]);
    }
    const authIssues = authProblems(input.auth, { type: 'http', headers: input.headers });
    if (authIssues.length > 0) throw ApiError.validation('auth is not valid', authIssues);
    const sameOrigin = previous !== undefined && parseUrlTemplate(previous.url).origin === template.origin;
    return {
      name: input.name,
      description: input.description,
      category: input.category ?? 'data',
      method: input.method,
      url: input.url,
      headers: this.sealHeaders(input.headers ?? {}, previous, sameOrigin),
      auth: sealAuth(this.secrets, input.auth, previous?.auth, { sameServer: sameOrigin }),
      identity: this.identitySettings(input, template),
      organizations: input.organizations ? input.organizations.map((id) => id.toLowerCase()) : null,
      responsePath: checkedResponsePath(input.responsePath),
      credentialScan: input.credentialScan ?? 'off',
      inputSchema,
      query: this.queryNames(input.query ?? [], template),
      timeoutMs: input.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxResponseBytes: input.maxResponseBytes ?? ceiling,
      permissions: [...(input.permissions ?? [])],
      rateLimit: input.rateLimit ? { requests: input.rateLimit.requests, window: input.rateLimit.window } : null,
    };
  }

  /** Where the caller's identity goes, if anywhere: a header nothing else sets. */
  private identitySettings(input: HttpToolInputDto, template: UrlTemplate): HttpToolIdentitySettings | null {
    if (!input.identity) return null;
    const header = input.identity.header ?? 'X-Identity-Assertion';
    if (RESERVED_HEADERS.has(header.toLowerCase())) {
      const message = `${header} is set by the gateway`;
      throw ApiError.validation(`identity.header: ${message}`, [{ field: 'identity.header', message, code: 'INVALID_VALUE' }]);
    }
    const setElsewhere = [...Object.keys(input.headers ?? {}), authHeader(input.auth)].filter((name): name is string => name !== undefined);
    const taken = setElsewhere.some((name) => name.toLowerCase() === header.toLowerCase());
    if (taken) {
      const message = `${header} is already set by headers or auth`;
      throw ApiError.validation(`identity.header: ${message}`, [{ field: 'identity.header', message, code: 'CONFLICT' }]);
    }
    return { header, audience: input.identity.audience ?? template.origin };
  }

  /** Placeholders fill the path; naming one as a query parameter too would send it twice. */
  private queryNames(names: readonly string[], template: UrlTemplate): string[] {
    const clash = names.find((name) => template.placeholders.includes(name));
    if (clash) {
      const message = `${clash} fills a path placeholder and cannot also be a query parameter`;
      throw ApiError.validation(`query: ${message}`, [{ field: 'query', message, code: 'CONFLICT' }]);
    }
    return [...names];
  }

  private checkSchema(inputSchema: Record<string, unknown>, template: UrlTemplate): void {
    if (JSON.stringify(inputSchema).length > MAX_SCHEMA_CHARS) {
      throw ApiError.validation('inputSchema is too large', [{ field: 'inputSchema', message: `at most ${MAX_SCHEMA_CHARS} characters of JSON`, code: 'TOO_LONG' }]);
    }
    const problems = inputSchemaProblems(inputSchema, template);
    if (problems.length > 0) throw ApiError.validation('inputSchema does not fit the url', problems);
    const compileProblem = this.registry.schemaProblem(inputSchema);
    if (compileProblem) {
      const message = `the schema does not compile: ${compileProblem.slice(0, 300)}`;
      throw ApiError.validation(`inputSchema: ${message}`, [{ field: 'inputSchema', message, code: 'INVALID_VALUE' }]);
    }
  }

  /** A masked value keeps the stored one only while the url stays on the origin it was given for. */
  private sealHeaders(headers: Record<string, string>, previous: HttpToolEntity | undefined, sameOrigin: boolean): Record<string, string> {
    assertValidHeaders(Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== MASK)));
    return Object.fromEntries(
      Object.entries(headers).map(([name, value]) => {
        if (value !== MASK) return [name, this.secrets.encrypt(value)];
        const stored = previous && Object.hasOwn(previous.headers, name) ? previous.headers[name] : undefined;
        if (sameOrigin && stored) return [name, stored];
        const message = stored ? `send ${name} again: a stored value goes only to the origin it was given for` : `${name} has no stored value to keep: send it`;
        throw ApiError.validation(message, [{ field: `headers.${name}`, message, code: 'MASKED_VALUE' }]);
      }),
    );
  }

  private definitionOf(row: HttpToolEntity): ToolDefinition {
    const template = parseUrlTemplate(row.url);
    const headers = Object.fromEntries(Object.entries(row.headers).map(([name, value]) => [name.toLowerCase(), this.secrets.decrypt(value)]));
    const call = {
      method: row.method,
      template,
      query: new Set(row.query),
      headers,
      credentials: new UpstreamCredentials(unsealAuth(this.secrets, row.auth)),
      scrubberFor: credentialScrubber(headers),
      identity: row.identity ? this.identityOf(row.name, row.identity) : undefined,
      responsePath: row.responsePath ? parseResponsePath(row.responsePath) : undefined,
      timeoutMs: row.timeoutMs,
      maxResponseBytes: row.maxResponseBytes,
      userAgent: `secure-mcp-server/${this.config.version}`,
      credentialScan: row.credentialScan,
      credentialsFound: (kinds: readonly string[], refused: boolean, context: ToolRunContext) => void this.credentialsFound(row, kinds, refused, context),
    };
    return {
      id: toolIdOf(row.name),
      name: row.name,
      description: row.description,
      version: '1.0.0',
      category: row.category,
      source: 'http',
      annotations: annotationsOf(row.method),
      inputSchema: row.inputSchema,
      permissions: ['execute:tools', ...row.permissions],
      ...(row.rateLimit ? { rateLimits: [{ ...row.rateLimit, scope: 'caller' }] } : {}),
      run: (input, context) => callEndpoint(call, input, context),
    };
  }

  /** Audited, with the kinds and never the values. */
  private async credentialsFound(row: HttpToolEntity, kinds: readonly string[], refused: boolean, context: ToolRunContext): Promise<void> {
    const report = { tool: row.name, executionId: context.executionId, kinds: [...kinds], refused };
    try {
      await this.audit.record({ action: 'http_tool.credentials.found', result: refused ? 'denied' : 'success', severity: 'warning', userId: context.caller.id, resource: toolIdOf(row.name), details: report });
    } catch (error) {
      this.logger.warn(`${row.name}: credentials found in an answer, not recorded: ${(error as Error).message}`);
    }
  }

  /** The header that tells the service who the caller of a run is. */
  private identityOf(tool: string, settings: HttpToolIdentitySettings): EndpointCall['identity'] {
    const bearer = settings.header.toLowerCase() === 'authorization';
    return (context) => {
      if (!this.assertions) throw new ToolFailure('IDENTITY_UNAVAILABLE', 'this gateway signs no identity assertions');
      const token = this.assertions.assert(context.caller, { audience: settings.audience, tool, executionId: context.executionId });
      return { [settings.header.toLowerCase()]: bearer ? `Bearer ${token}` : token };
    };
  }

  private view(row: HttpToolEntity): HttpTool {
    return {
      id: row.id,
      toolId: toolIdOf(row.name),
      name: row.name,
      description: row.description,
      category: row.category,
      method: row.method,
      url: row.url,
      headers: Object.fromEntries(Object.keys(row.headers).map((name) => [name, MASK])),
      inputSchema: row.inputSchema,
      query: row.query,
      timeoutMs: row.timeoutMs,
      maxResponseBytes: row.maxResponseBytes,
      permissions: row.permissions,
      ...(row.rateLimit ? { rateLimit: row.rateLimit } : {}),
      auth: maskedAuth(row.auth),
      identity: row.identity,
      organizations: row.organizations,
      responsePath: row.responsePath,
      credentialScan: row.credentialScan,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  private auditDetails(row: HttpToolEntity): Record<string, unknown> {
    return {
      name: row.name,
      method: row.method,
      url: row.url,
      headers: Object.keys(row.headers).sort(),
      auth: row.auth?.type ?? 'none',
      identity: row.identity,
      organizations: row.organizations,
      permissions: row.permissions,
      credentialScan: row.credentialScan,
    };
  }
}

/**
 * An API that echoes its request must not hand a caller the credentials the admin configured. Only
 * credentials: masking every header value would blot out words like a team name in the answer. Made
 * again only when what `auth` sends changes (a new token), not on every run.
 */
function credentialScrubber(headers: Readonly<Record<string, string>>): EndpointCall['scrubberFor'] {
  const fixed = Object.entries(headers).filter(([name]) => CREDENTIAL_HEADER.test(name)).map(([, value]) => value);
  let last: { key: string; scrub: (text: string) => string } | undefined;
  return (credentials) => {
    const sent = [...fixed, ...Object.values(credentials)];
    const key = sent.join('\n');
    if (last?.key !== key) last = { key, scrub: secretScrubber(sent.flatMap((value) => [value, value.slice(value.indexOf(' ') + 1)]), MASK) };
    return last.scrub;
  };
}

/** The admin's response path, once it is known to parse. */
function checkedResponsePath(text: string | null | undefined): string | null {
  if (!text) return null;
  parseResponsePath(text);
  return text;
}

interface EndpointCall {
  readonly method: HttpToolEntity['method'];
  readonly template: UrlTemplate;
  readonly query: ReadonlySet<string>;
  readonly headers: Readonly<Record<string, string>>;
  readonly credentials: UpstreamCredentials;
  /** What masks the credentials sent (the admin's and those `auth` adds) in an answer. */
  readonly scrubberFor: (credentials: Record<string, string>) => (text: string) => string;
  /** The caller's identity as headers, when the service is told it. */
  readonly identity?: (context: ToolRunContext) => Record<string, string>;
  /** What of a successful JSON answer the caller gets. */
  readonly responsePath?: readonly PathStep[];
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly userAgent: string;
  /** What is done with credentials in an answer, and who hears of those found. */
  readonly credentialScan: CredentialScanMode;
  readonly credentialsFound: (kinds: readonly string[], refused: boolean, context: ToolRunContext) => void;
}

/** One run: the request built from the arguments, sent, and its answer as the result (a failing status fails the run). */
async function callEndpoint(call: EndpointCall, input: Record<string, unknown>, context: ToolRunContext): Promise<unknown> {
  const request = buildRequest(call.template, call.method, input, call.query);
  const signal = AbortSignal.any([context.signal, AbortSignal.timeout(call.timeoutMs)]);
  const destination = await trustedDestination(request.url);
  let sent = await send(call, request.body, destination, signal, context);
  // A token the endpoint no longer takes (revoked, rotated early) is fetched again, once.
  if (sent.answer.status === 401 && call.credentials.renewable) {
    call.credentials.invalidate();
    sent = await send(call, request.body, destination, signal, context);
  }
  const { answer, scrub } = sent;
  const contentType = answer.headers['content-type'];
  const redirect = answer.status >= 300 && answer.status < 400;
  // The location of a redirect is answered too: scanned with the body.
  const result = scanned(
    call,
    { status: answer.status, contentType: contentType ?? null, body: answerBody(contentType, scrub(answer.body)), ...(redirect ? { location: answer.location === undefined ? null : scrub(answer.location) } : {}) },
    context,
  );
  if (redirect) throw new ToolFailure('HTTP_REDIRECT', `${call.method} answered ${answer.status}: redirects are not followed`, result);
  if (answer.status >= 400) throw new ToolFailure('HTTP_ERROR', `${call.method} answered ${answer.status}`, result, mayTryAgain(call.method, answer));
  return call.responsePath && typeof result.body !== 'string' ? { ...result, body: selectPath(result.body, call.responsePath) } : result;
}

/** An answer as the tool's credentialScan says: as it is, masked, or (refuse) a failed run keeping none of it. */
function scanned<T extends { status: number; contentType: string | null; body: unknown; location?: string | null }>(call: EndpointCall, result: T, context: ToolRunContext): T {
  if (call.credentialScan === 'off') return result;
  const { value, found } = scanCredentials({ body: result.body, location: result.location });
  if (found.length === 0) return result;
  const refused = call.credentialScan === 'refuse';
  call.credentialsFound(found, refused, context);
  if (refused) throw new ToolFailure('CREDENTIALS_IN_ANSWER', `the endpoint answered ${result.status} with credentials (${found.join(', ')}): the answer was withheld`);
  const masked = value as { body: unknown; location?: string | null };
  return { ...result, body: masked.body, ...(result.location === undefined ? {} : { location: masked.location }) };
}

/** One exchange, with the credentials of the moment, and what masks them (and the admin's header values) in the answer. */
async function send(call: EndpointCall, body: string | undefined, destination: Destination, signal: AbortSignal, context: ToolRunContext): Promise<{ answer: HttpAnswer; scrub: (text: string) => string }> {
  let credentials: Record<string, string>;
  try {
    credentials = await call.credentials.headers();
  } catch (error) {
    if (error instanceof TokenEndpointError) throw new ToolFailure('AUTH_FAILED', `no token for the endpoint: ${error.message}`);
    throw error;
  }
  const headers: Record<string, string> = {
    accept: 'application/json, */*;q=0.5',
    'user-agent': call.userAgent,
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...(context.traceparent ? { traceparent: context.traceparent } : {}),
    ...call.headers,
    ...lowerCased(credentials),
    ...call.identity?.(context),
  };
  const scrub = call.scrubberFor(credentials);
  try {
    return { answer: await exchange(destination, headers, call.method, body, call.maxResponseBytes, signal), scrub };
  } catch (error) {
    if (signal.aborted && !context.signal.aborted) throw new ToolFailure('TIMEOUT', `no answer within ${call.timeoutMs} ms`);
    // The request may have been acted on before the connection broke: only a repeatable one is tried again.
    if (error instanceof ToolFailure && error.code === 'CONNECTION_FAILED' && IDEMPOTENT.has(call.method)) throw new ToolFailure(error.code, error.message, error.result, true);
    throw error;
  }
}

/**
 * Whether a context's retry policy may send the request again. A GET, PUT or DELETE repeats safely:
 * after 429, 502, 503 or 504. A POST or PATCH only when the service said it did not act: 429, or a
 * 503 with Retry-After (a proxy's bare 503 may come after it passed the request on).
 */
function mayTryAgain(method: HttpToolEntity['method'], answer: HttpAnswer): boolean {
  if (IDEMPOTENT.has(method)) return [429, 502, 503, 504].includes(answer.status);
  return answer.status === 429 || (answer.status === 503 && answer.headers['retry-after'] !== undefined);
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
