import { ApiError, type ErrorDetail } from '@app/common';
import { EventBus } from '@app/events';
import { type AuthenticatedUser, holdsPermission, isAdmin } from '@app/security';
import { Injectable, Logger, Optional } from '@nestjs/common';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ToolDefinition } from '../tool.types';
import { CallerOrganizations } from './caller-organizations';
import { withLinearUniqueItems } from './unique-items';

declare module '@app/events' {
  interface EventMap {
    /** The set of tools changed (an upstream connected, disconnected or re-listed its tools; a tool switched off or on). */
    'tools.changed': { reason: string; serverId?: string };
    /** An admin changed a tool's settings: every instance follows. */
    'tools.settings.changed': { toolId: string; settings: ToolSettings };
  }
}

export interface RegisteredTool {
  readonly definition: ToolDefinition;
  enabled: boolean;
  /** A person must allow each run: the admin's setting of the tool, else its server's. */
  requiresConfirmation: boolean;
  /** The admin's tags of the tool, then those it came with, each once. */
  tags: readonly string[];
  readonly validate: ValidateFunction;
}

/** An admin's settings of a tool. `requiresConfirmation` null: as its server says. */
export interface ToolSettings {
  readonly enabled: boolean;
  readonly requiresConfirmation: boolean | null;
  readonly tags: readonly string[];
}

const NO_TAGS: readonly string[] = [];

/** The admin's tags, then the tool's own, each once (no new list when there is nothing to join). */
function tagsOf(definition: ToolDefinition, settings: ToolSettings | undefined): readonly string[] {
  const own = settings?.tags ?? NO_TAGS;
  const given = definition.tags ?? NO_TAGS;
  if (given.length === 0) return own;
  if (own.length === 0) return given;
  return [...new Set([...own, ...given])];
}

const DETAIL_CODES: Readonly<Record<string, string>> = {
  required: 'REQUIRED',
  type: 'INVALID_TYPE',
  enum: 'INVALID_VALUE',
  const: 'INVALID_VALUE',
  pattern: 'INVALID_FORMAT',
  format: 'INVALID_FORMAT',
  maxLength: 'TOO_LONG',
  minLength: 'TOO_SHORT',
  maximum: 'TOO_LARGE',
  exclusiveMaximum: 'TOO_LARGE',
  minimum: 'TOO_SMALL',
  exclusiveMinimum: 'TOO_SMALL',
  maxItems: 'TOO_MANY_ITEMS',
  minItems: 'TOO_FEW_ITEMS',
  uniqueItems: 'DUPLICATE_ITEMS',
  additionalProperties: 'UNKNOWN_FIELD',
};

/** `/a/0/b` -> `a[0].b`, the field notation of the envelope's details. */
function fieldOf(error: ErrorObject): string {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, segment) => (/^\d+$/.test(segment) ? `${acc}[${segment}]` : acc === '' ? segment : `${acc}.${segment}`), '');
  const extra = error.keyword === 'required' ? (error.params as { missingProperty: string }).missingProperty : error.keyword === 'additionalProperties' ? (error.params as { additionalProperty: string }).additionalProperty : '';
  const field = [path, extra].filter(Boolean).join('.');
  return field === '' ? '(parameters)' : field;
}

export function schemaErrorDetails(errors: readonly ErrorObject[] | null | undefined): ErrorDetail[] {
  return (errors ?? []).map((error) => ({ field: fieldOf(error), message: error.message ?? 'is invalid', code: DETAIL_CODES[error.keyword] ?? 'INVALID_VALUE' }));
}

const NONE: ReadonlySet<string> = new Set();

/** Who a tool belongs to: the built-ins, one upstream server, or the admins' HTTP tools. */
function ownerOf(definition: ToolDefinition): string {
  return definition.server ? `upstream:${definition.server.id}` : definition.source;
}

/** A tool would answer to an id or a name that another owner's tool already answers to. */
export class ToolClashError extends Error {
  constructor(definition: ToolDefinition, holder: ToolDefinition) {
    super(`tool ${definition.name} (${definition.id}) of ${describeOwner(definition)} is not registered: ${holder.name} (${holder.id}) of ${describeOwner(holder)} already answers to that id or name`);
    this.name = 'ToolClashError';
  }
}

function describeOwner(definition: ToolDefinition): string {
  return definition.server ? `upstream server '${definition.server.name}'` : definition.source === 'http' ? 'the HTTP tools' : 'the built-ins';
}

/**
 * Every tool the gateway serves — built-in and upstream — addressed by id (`tool_filesystem`) or
 * name (`filesystem`). Input schemas are compiled once, when a tool is registered.
 */
@Injectable()
export class ToolRegistry {
  private readonly logger = new Logger('ToolRegistry');
  // One validator per JSON Schema dialect: 2020-12 is MCP's default, draft-07 what most tools still write.
  // uniqueItems is ours: Ajv's compares items pairwise, and these schemas come from outside.
  private readonly dialects = {
    draft7: withLinearUniqueItems(new Ajv({ allErrors: true, strict: false })),
    draft2019: withLinearUniqueItems(new Ajv2019({ allErrors: true, strict: false })),
    draft2020: withLinearUniqueItems(new Ajv2020({ allErrors: true, strict: false })),
  };
  private readonly byId = new Map<string, RegisteredTool>();
  private readonly byName = new Map<string, RegisteredTool>();
  /** Servers kept to some organizations: their tools are for those organizations' members (and admins). */
  private readonly audiences = new Map<string, ReadonlySet<string>>();
  /** Tools that are no server's (HTTP tools), by id, kept to some organizations. */
  private readonly toolAudiences = new Map<string, ReadonlySet<string>>();
  /** Admins' settings of tools, by id: applied whenever they register. */
  private readonly settings = new Map<string, ToolSettings>();
  /** Servers whose tools need permissions beyond execute:tools (their definitions carry them too; this is for their resources and prompts). */
  private readonly serverPermissions = new Map<string, readonly string[]>();
  private readonly organizations?: CallerOrganizations;

  constructor(
    private readonly events: EventBus,
    @Optional() organizations?: CallerOrganizations,
  ) {
    this.organizations = organizations;
    for (const ajv of Object.values(this.dialects)) addFormats(ajv);
  }

  /**
   * Who may use a server: members of these organizations (null: anyone), holding these permissions
   * besides execute:tools. Set before its tools are registered, cleared after they are removed.
   */
  setServerAccess(serverId: string, organizations: readonly string[] | null, permissions: readonly string[]): void {
    if (organizations) this.audiences.set(serverId, new Set(organizations));
    else this.audiences.delete(serverId);
    if (permissions.length > 0) this.serverPermissions.set(serverId, permissions);
    else this.serverPermissions.delete(serverId);
  }

  /**
   * What visibility needs to know of the caller besides its permissions: its organization, asked
   * only while some server or tool is kept to organizations (admins reach every one, so never).
   */
  organizationOf(caller: AuthenticatedUser): string | null | Promise<string | null> {
    if ((this.audiences.size === 0 && this.toolAudiences.size === 0) || isAdmin(caller) || !this.organizations) return null;
    return this.organizations.organizationOf(caller.id);
  }

  /** Who may run a tool that is no server's (an HTTP tool): members of these organizations (null: anyone), and admins. */
  keepTool(toolId: string, organizations: readonly string[] | null): void {
    if (organizations) this.toolAudiences.set(toolId, new Set(organizations));
    else this.toolAudiences.delete(toolId);
  }

  /** Whether the tool (or its server) is kept to some organizations. */
  isKept(definition: ToolDefinition): boolean {
    return this.audienceOf(definition) !== undefined;
  }

  /** Whether the caller, in that organization, may use the tool and its server (admins: every one). */
  reaches(caller: AuthenticatedUser, definition: ToolDefinition, organizationId: string | null): boolean {
    const audience = this.audienceOf(definition);
    return !audience || (organizationId !== null && audience.has(organizationId)) || isAdmin(caller);
  }

  private audienceOf(definition: ToolDefinition): ReadonlySet<string> | undefined {
    return definition.server ? this.audiences.get(definition.server.id) : this.toolAudiences.get(definition.id);
  }

  /** The servers the caller may not use: kept to organizations its own is not one of, or needing permissions it lacks. */
  serversOutOfReach(caller: AuthenticatedUser, organizationId: string | null): ReadonlySet<string> {
    if ((this.audiences.size === 0 && this.serverPermissions.size === 0) || isAdmin(caller)) return NONE;
    const out = new Set<string>();
    for (const [serverId, audience] of this.audiences) if (organizationId === null || !audience.has(organizationId)) out.add(serverId);
    for (const [serverId, permissions] of this.serverPermissions) if (!permissions.every((permission) => holdsPermission(caller.permissions, permission))) out.add(serverId);
    return out;
  }

  /**
   * Adds a tool, or replaces one of the same owner. A tool whose id or name another owner already
   * answers to is refused (ToolClashError): nobody may take over another owner's tools.
   */
  register(definition: ToolDefinition, enabled = true): RegisteredTool {
    const clash = this.clashWith(definition);
    if (clash) throw new ToolClashError(definition, clash.definition);
    for (const own of this.holdersOf(definition)) this.remove(own);
    const settings = this.settings.get(definition.id);
    const tool: RegisteredTool = {
      definition,
      enabled: enabled && (settings?.enabled ?? true),
      requiresConfirmation: settings?.requiresConfirmation ?? definition.requiresConfirmation ?? false,
      tags: tagsOf(definition, settings),
      validate: this.compile(definition),
    };
    this.byId.set(definition.id, tool);
    this.byName.set(definition.name, tool);
    return tool;
  }

  /**
   * A tool's settings (by id; null: the defaults), now and whenever it registers again. Switching
   * it off or on tells the doors' clients the list changed.
   */
  applySettings(toolId: string, settings: ToolSettings | null): void {
    if (settings) this.settings.set(toolId, settings);
    else this.settings.delete(toolId);
    const tool = this.byId.get(toolId);
    if (!tool) return;
    const enabled = settings?.enabled ?? true;
    tool.requiresConfirmation = settings?.requiresConfirmation ?? tool.definition.requiresConfirmation ?? false;
    tool.tags = tagsOf(tool.definition, settings ?? undefined);
    if (tool.enabled === enabled) return;
    tool.enabled = enabled;
    this.events.publish('tools.changed', { reason: enabled ? 'tool switched on' : 'tool switched off', ...(tool.definition.server ? { serverId: tool.definition.server.id } : {}) });
  }

  settingsOf(toolId: string): ToolSettings | undefined {
    return this.settings.get(toolId);
  }

  /** Replaces every tool of an upstream server at once; a tool whose name another owner holds is skipped. */
  replaceServerTools(serverId: string, definitions: readonly ToolDefinition[], reason: string): void {
    for (const tool of this.all()) if (tool.definition.server?.id === serverId) this.remove(tool);
    for (const definition of definitions) {
      const clash = this.clashWith(definition);
      if (clash) this.logger.warn(new ToolClashError(definition, clash.definition).message);
      else this.register(definition);
    }
    this.events.publish('tools.changed', { reason, serverId });
  }

  removeServerTools(serverId: string, reason: string): void {
    this.replaceServerTools(serverId, [], reason);
  }

  /** Removes one tool that is not an upstream's (an HTTP tool deleted); the doors' clients are told. */
  unregister(toolId: string, reason: string): void {
    const tool = this.byId.get(toolId);
    if (!tool) return;
    this.remove(tool);
    this.events.publish('tools.changed', { reason });
  }

  /** Why an input schema compiles in no dialect (null: it compiles), for an admin's schema refused up front. */
  schemaProblem(inputSchema: Readonly<Record<string, unknown>>): string | null {
    const compiled = this.tryCompile(inputSchema);
    return compiled instanceof Error ? compiled.message : null;
  }

  /** By id or by name; 404 when neither matches. */
  resolve(ref: string): RegisteredTool {
    const tool = this.find(ref);
    if (!tool) throw ApiError.notFound(`Tool '${ref.slice(0, 200)}'`);
    return tool;
  }

  /** By id or by name. */
  find(ref: string): RegisteredTool | undefined {
    return this.byId.get(ref) ?? this.byName.get(ref);
  }

  all(): RegisteredTool[] {
    return [...this.byId.values()];
  }

  /** The tools a caller in that organization (`organizationOf`) may run (admins see all). */
  visibleTo(caller: AuthenticatedUser, organizationId: string | null): RegisteredTool[] {
    return this.all().filter((tool) => this.mayRun(caller, tool, organizationId));
  }

  mayRun(caller: AuthenticatedUser, tool: RegisteredTool, organizationId: string | null): boolean {
    return tool.definition.permissions.every((permission) => holdsPermission(caller.permissions, permission)) && this.reaches(caller, tool.definition, organizationId);
  }

  /** Every tool that `definition`'s id or name already resolves to, by id or by name. */
  private holdersOf(definition: ToolDefinition): Set<RegisteredTool> {
    const refs = [definition.id, definition.name];
    return new Set(refs.flatMap((ref) => [this.byId.get(ref), this.byName.get(ref)]).filter((tool): tool is RegisteredTool => tool !== undefined));
  }

  private clashWith(definition: ToolDefinition): RegisteredTool | undefined {
    const owner = ownerOf(definition);
    return [...this.holdersOf(definition)].find((tool) => ownerOf(tool.definition) !== owner);
  }

  // Only the entries that point at this very tool: a name is never taken from whoever holds it now.
  private remove(tool: RegisteredTool): void {
    const { id, name } = tool.definition;
    if (this.byId.get(id) === tool) this.byId.delete(id);
    if (this.byName.get(name) === tool) this.byName.delete(name);
  }

  private compile(definition: ToolDefinition): ValidateFunction {
    const compiled = this.tryCompile(definition.inputSchema);
    if (!(compiled instanceof Error)) return compiled;
    // An upstream whose schema no dialect compiles still works; only the object check remains.
    this.logger.warn(`input schema of ${definition.name} does not compile (${compiled.message}); validating it as a plain object`);
    return this.dialects.draft7.compile({ type: 'object' });
  }

  /** By the schema's `$schema`; without one, 2020-12 (MCP's default) and then draft-07. */
  private tryCompile(inputSchema: Readonly<Record<string, unknown>>): ValidateFunction | Error {
    const declared = typeof inputSchema.$schema === 'string' ? inputSchema.$schema : '';
    const candidates = declared.includes('2020-12')
      ? [this.dialects.draft2020]
      : declared.includes('2019-09')
        ? [this.dialects.draft2019]
        : declared.includes('draft-07') || declared.includes('draft-06') || declared.includes('draft-04')
          ? [this.dialects.draft7]
          : [this.dialects.draft2020, this.dialects.draft7];
    let failure = new Error('no dialect');
    for (const ajv of candidates) {
      try {
        const validate = ajv.compile(inputSchema);
        // A schema with an $id would otherwise refuse to compile again (a tool registered anew).
        ajv.removeSchema(inputSchema);
        return validate;
      } catch (error) {
        failure = error as Error;
        // Nor may a schema that failed keep its $id from a corrected one.
        try {
          ajv.removeSchema(inputSchema);
        } catch {
          // It never made it into the cache.
        }
      }
    }
    return failure;
  }
}
