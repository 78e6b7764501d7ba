/** A value an admin gives when creating a server from a template. */
export interface TemplatePlaceholder {
  readonly key: string;
  readonly description: string;
  readonly required: boolean;
  readonly secret: boolean;
  /** env: a stdio server's environment variable; header: an HTTP header; arg: replaces `{{key}}` in args or url. */
  readonly in: 'env' | 'header' | 'arg';
}

export type TemplateTransport = { readonly type: 'stdio'; readonly command: string; readonly args: readonly string[] } | { readonly type: 'streamable-http' | 'sse' | 'websocket'; readonly url: string };

/** What each user of a server made from the template gives for themselves (the API's UpstreamUserConfig). */
export interface TemplateUserConfig {
  readonly schema: Readonly<Record<string, unknown>>;
  readonly env?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly required?: boolean;
}

/** A ready-made upstream server configuration (MCP Connect's templates). */
export interface ServerTemplateConfig {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly category: string;
  readonly documentation?: string;
  readonly transport: TemplateTransport;
  readonly placeholders: readonly TemplatePlaceholder[];
  /** Servers made from it take each user's own configuration (checked as a server's is, when one is made). */
  readonly userConfig?: TemplateUserConfig;
}

const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const KEY = /^[A-Za-z_][A-Za-z0-9_-]{0,99}$/;
const MAX_TEMPLATES = 500;
const REFERENCE = /\{\{([A-Za-z_][A-Za-z0-9_-]*)\}\}/g;

function text(value: unknown, where: string, maxLength: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) throw new Error(`${where} must be a string of 1 to ${maxLength} characters`);
  return value;
}

function transportOf(value: unknown, where: string): TemplateTransport {
  const transport = (value ?? {}) as Record<string, unknown>;
  if (transport.type === 'stdio') {
    const args = transport.args ?? [];
    if (!Array.isArray(args) || !args.every((arg) => typeof arg === 'string' && arg.length <= 4096)) throw new Error(`${where}.transport.args must be an array of strings`);
    return { type: 'stdio', command: text(transport.command, `${where}.transport.command`, 1000), args };
  }
  if (transport.type === 'streamable-http' || transport.type === 'sse' || transport.type === 'websocket') return { type: transport.type, url: text(transport.url, `${where}.transport.url`, 2000) };
  throw new Error(`${where}.transport.type must be stdio, streamable-http, sse or websocket`);
}

function placeholderOf(value: unknown, where: string): TemplatePlaceholder {
  const placeholder = (value ?? {}) as Record<string, unknown>;
  const key = text(placeholder.key, `${where}.key`, 100);
  if (!KEY.test(key)) throw new Error(`${where}.key must be letters, digits, _ and -, starting with a letter or _`);
  if (placeholder.in !== 'env' && placeholder.in !== 'header' && placeholder.in !== 'arg') throw new Error(`${where}.in must be env, header or arg`);
  // args and urls are stored and shown as they are; env and header values are sealed.
  if (placeholder.secret === true && placeholder.in === 'arg') throw new Error(`${where} is secret, so it must be in env or header (sealed at rest), not an arg`);
  return { key, description: text(placeholder.description, `${where}.description`, 500), required: placeholder.required === true, secret: placeholder.secret === true, in: placeholder.in };
}

function stringMap(value: unknown, where: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every((entry) => typeof entry === 'string')) throw new Error(`${where} must be an object of strings`);
  return value as Record<string, string>;
}

/** Its shape; what its schema and templates say is checked as a server's is, when a server is made from it. */
function userConfigOf(value: unknown, where: string): TemplateUserConfig | undefined {
  if (value === undefined) return undefined;
  const config = (value ?? {}) as Record<string, unknown>;
  if (typeof config.schema !== 'object' || config.schema === null || Array.isArray(config.schema)) throw new Error(`${where}.schema must be a JSON Schema object`);
  if (config.required !== undefined && typeof config.required !== 'boolean') throw new Error(`${where}.required must be true or false`);
  const env = stringMap(config.env, `${where}.env`);
  const headers = stringMap(config.headers, `${where}.headers`);
  return { schema: config.schema as Record<string, unknown>, ...(env ? { env } : {}), ...(headers ? { headers } : {}), ...(config.required === undefined ? {} : { required: config.required }) };
}

/** The templates of an UPSTREAM_TEMPLATES_FILE (a JSON array); throws the first problem, naming where it is. */
export function parseServerTemplates(json: string): ServerTemplateConfig[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('is not valid JSON');
  }
  if (!Array.isArray(parsed) || parsed.length > MAX_TEMPLATES) throw new Error(`must hold a JSON array of at most ${MAX_TEMPLATES} templates`);
  const ids = new Set<string>();
  return parsed.map((value: unknown, index) => {
    const where = `[${index}]`;
    const template = (value ?? {}) as Record<string, unknown>;
    const id = text(template.id, `${where}.id`, 63);
    if (!ID.test(id)) throw new Error(`${where}.id must be lower-case letters, digits and -`);
    if (ids.has(id)) throw new Error(`${where}.id ${id} is given twice`);
    ids.add(id);
    const transport = transportOf(template.transport, where);
    const placeholders = template.placeholders ?? [];
    if (!Array.isArray(placeholders)) throw new Error(`${where}.placeholders must be an array`);
    const parsed = placeholders.map((placeholder: unknown, at) => placeholderOf(placeholder, `${where}.placeholders[${at}]`));
    // Only an arg placeholder may be written into args or the url: env and header values are secrets' places.
    const texts = transport.type === 'stdio' ? transport.args : [transport.url];
    for (const [, key] of texts.join('\n').matchAll(REFERENCE)) {
      if (!parsed.some((placeholder) => placeholder.key === key && placeholder.in === 'arg')) throw new Error(`${where}.transport uses {{${key}}}, which is not an arg placeholder`);
    }
    return {
      id,
      name: text(template.name, `${where}.name`, 100),
      description: text(template.description, `${where}.description`, 1000),
      category: text(template.category ?? 'other', `${where}.category`, 50),
      ...(template.documentation === undefined ? {} : { documentation: text(template.documentation, `${where}.documentation`, 2000) }),
      transport,
      placeholders: parsed,
      ...(template.userConfig === undefined ? {} : { userConfig: userConfigOf(template.userConfig, `${where}.userConfig`) }),
    };
  });
}
