import { AuditWriter } from '@app/audit';
import { ApiError, createValidationPipe, type ErrorDetail, type RequestOrigin } from '@app/common';
import { AppConfig, type ServerTemplateConfig } from '@app/config';
import { type ListServerTemplatesQueryDto, type ServerTemplate, ServerTemplateInstanceDto, type ServerTemplateList, type UpstreamServer, UpstreamServerInputDto } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { ServerGroupsService } from './server-groups.service';
import { UpstreamService } from './upstream.service';

const npx = (pkg: string, ...args: string[]) => ({ type: 'stdio' as const, command: 'npx', args: ['-y', pkg, ...args] });

/** Official MCP servers, and GitHub's remote one: what most catalogs start with. */
export const BUILTIN_TEMPLATES: readonly ServerTemplateConfig[] = [
  {
    id: 'everything',
    name: 'Everything',
    description: 'The MCP reference server: tools, resources, prompts, sampling and elicitation, for trying a client',
    category: 'development',
    documentation: 'https://github.com/modelcontextprotocol/servers/tree/main/src/everything',
    transport: npx('@modelcontextprotocol/server-everything', 'stdio'),
    placeholders: [],
  },
  {
    id: 'filesystem',
    name: 'Filesystem',
    description: 'Reads and writes files under one directory of the host',
    category: 'system',
    documentation: 'https://github.com/modelcontextprotocol/servers/tree/main/src/filesystem',
    transport: npx('@modelcontextprotocol/server-filesystem', '{{DIRECTORY}}'),
    placeholders: [{ key: 'DIRECTORY', description: 'The directory it may read and write (absolute path)', required: true, secret: false, in: 'arg' }],
  },
  {
    id: 'memory',
    name: 'Memory',
    description: 'A knowledge graph the model keeps between conversations',
    category: 'data',
    documentation: 'https://github.com/modelcontextprotocol/servers/tree/main/src/memory',
    transport: npx('@modelcontextprotocol/server-memory'),
    placeholders: [{ key: 'MEMORY_FILE_PATH', description: 'Where the graph is kept (a JSON file)', required: false, secret: false, in: 'env' }],
  },
  {
    id: 'sequential-thinking',
    name: 'Sequential Thinking',
    description: 'Step-by-step problem solving, with revisions and branches',
    category: 'productivity',
    documentation: 'https://github.com/modelcontextprotocol/servers/tree/main/src/sequentialthinking',
    transport: npx('@modelcontextprotocol/server-sequential-thinking'),
    placeholders: [],
  },
  {
    id: 'github',
    name: 'GitHub (remote)',
    description: "GitHub's hosted MCP server: repositories, issues, pull requests and actions",
    category: 'development',
    documentation: 'https://github.com/github/github-mcp-server',
    transport: { type: 'streamable-http', url: 'https://api.githubcopilot.com/mcp/' },
    placeholders: [{ key: 'Authorization', description: 'Bearer followed by a GitHub personal access token', required: true, secret: true, in: 'header' }],
  },
  {
    id: 'github-personal',
    name: 'GitHub (remote), as each user',
    description: "GitHub's hosted MCP server, each user acting with their own token (MCP services): what they can reach is what their token can",
    category: 'development',
    documentation: 'https://github.com/github/github-mcp-server',
    transport: { type: 'streamable-http', url: 'https://api.githubcopilot.com/mcp/' },
    placeholders: [{ key: 'Authorization', description: 'Bearer followed by a token the gateway lists the tools with (each user runs them with their own)', required: true, secret: true, in: 'header' }],
    userConfig: {
      schema: { type: 'object', properties: { token: { type: 'string', minLength: 1, maxLength: 255, writeOnly: true, description: 'Your GitHub personal access token' } }, required: ['token'] },
      headers: { Authorization: 'Bearer {{token}}' },
    },
  },
];

const PLACEHOLDER = /\{\{([A-Za-z_][A-Za-z0-9_-]*)\}\}/g;

/** `{{key}}` replaced by its value ('' for an optional one not given). */
function filled(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (_, key: string) => values[key] ?? '');
}

/**
 * Server templates (MCP Connect's catalog): the built-in ones, and the operator's from
 * UPSTREAM_TEMPLATES_FILE. A server made from one is checked and created exactly as one sent to
 * `POST /admin/servers` (the same validation, allow-list and sealing).
 */
@Injectable()
export class ServerTemplatesService {
  private readonly templates: ReadonlyMap<string, { readonly template: ServerTemplateConfig; readonly source: ServerTemplate['source'] }>;
  private readonly validation = createValidationPipe();

  constructor(
    config: AppConfig,
    private readonly upstreams: UpstreamService,
    private readonly groups: ServerGroupsService,
    private readonly audit: AuditWriter,
  ) {
    const all = new Map<string, { template: ServerTemplateConfig; source: ServerTemplate['source'] }>();
    for (const template of BUILTIN_TEMPLATES) all.set(template.id, { template, source: 'builtin' });
    for (const template of config.upstream.templates) all.set(template.id, { template, source: 'config' });
    this.templates = all;
  }

  list(query: ListServerTemplatesQueryDto): ServerTemplateList {
    const q = query.q?.toLowerCase();
    const matching = [...this.templates.values()]
      .filter(({ template }) => query.category === undefined || template.category === query.category)
      .filter(({ template }) => q === undefined || template.name.toLowerCase().includes(q) || template.description.toLowerCase().includes(q))
      .sort((a, b) => a.template.name.localeCompare(b.template.name));
    return { templates: matching.map(({ template, source }) => view(template, source)) };
  }

  async instantiate(id: string, input: ServerTemplateInstanceDto, actor: string, origin: RequestOrigin): Promise<UpstreamServer> {
    const entry = this.templates.get(id);
    if (!entry) throw ApiError.notFound(`Server template '${id}'`);
    const { template } = entry;
    const values = input.values ?? {};
    const problems: ErrorDetail[] = [
      ...Object.keys(values)
        .filter((key) => !template.placeholders.some((placeholder) => placeholder.key === key))
        .map((key) => ({ field: `values.${key.slice(0, 100)}`, message: `${template.name} has no value named ${key.slice(0, 100)}`, code: 'UNKNOWN_FIELD' })),
      ...template.placeholders.filter((placeholder) => placeholder.required && !values[placeholder.key]).map((placeholder) => ({ field: `values.${placeholder.key}`, message: `${placeholder.description} is required`, code: 'REQUIRED' })),
    ];
    if (problems.length > 0) throw ApiError.validation(`The values do not fit template '${id}'`, problems);
    // A group that does not exist refuses the request before the server is made.
    if (input.groupId) await this.groups.get(input.groupId);
    const server = await this.upstreams.create(await this.serverInput(template, input, values), actor, origin);
    await this.audit.record({ action: 'upstream.template.instantiate', result: 'success', userId: actor, resource: `upstream:${server.id}`, details: { template: id, name: server.name, values: Object.keys(values) }, origin });
    if (!input.groupId) return server;
    await this.groups.addServers(input.groupId, [server.id], actor, origin);
    return this.upstreams.get(server.id);
  }

  /** The server the template makes with these values, validated as the body of `POST /admin/servers` is. */
  private async serverInput(template: ServerTemplateConfig, input: ServerTemplateInstanceDto, values: Readonly<Record<string, string>>): Promise<UpstreamServerInputDto> {
    // Only arg values go into args and the url (the file's check keeps env and header keys out of them).
    const argValues = Object.fromEntries(template.placeholders.filter((placeholder) => placeholder.in === 'arg' && values[placeholder.key] !== undefined).map((placeholder) => [placeholder.key, values[placeholder.key]]));
    const only = (where: 'env' | 'header'): Record<string, string> | undefined => {
      const picked = template.placeholders.filter((placeholder) => placeholder.in === where && values[placeholder.key]).map((placeholder) => [placeholder.key, values[placeholder.key]] as const);
      return picked.length > 0 ? Object.fromEntries(picked) : undefined;
    };
    const transport =
      template.transport.type === 'stdio'
        ? { type: 'stdio', command: template.transport.command, args: template.transport.args.map((arg) => filled(arg, argValues)).filter((arg) => arg !== ''), ...(only('env') ? { env: only('env') } : {}) }
        : { type: template.transport.type, url: filled(template.transport.url, argValues), ...(only('header') ? { headers: only('header') } : {}) };
    const body = {
      name: input.name,
      description: input.description ?? template.description,
      transport,
      enabled: input.enabled ?? true,
      toolChanges: input.toolChanges ?? 'serve',
      ...(input.replicas ? { replicas: input.replicas } : {}),
      // The catalog's categories are its own (a server's are the tools' four): the template is named by a tag.
      metadata: { tags: [`template:${template.id}`] },
      ...(template.userConfig ? { userConfig: template.userConfig } : {}),
    };
    return (await this.validation.transform(body, { type: 'body', metatype: UpstreamServerInputDto })) as UpstreamServerInputDto;
  }
}

function view(template: ServerTemplateConfig, source: ServerTemplate['source']): ServerTemplate {
  return {
    id: template.id,
    name: template.name,
    description: template.description,
    category: template.category,
    ...(template.documentation ? { documentation: template.documentation } : {}),
    source,
    transport: template.transport.type === 'stdio' ? { type: 'stdio', command: template.transport.command, args: [...template.transport.args] } : { type: template.transport.type, url: template.transport.url },
    placeholders: template.placeholders.map((placeholder) => ({ ...placeholder })),
    ...(template.userConfig ? { userConfig: { ...template.userConfig, required: template.userConfig.required ?? true } } : {}),
  };
}
