import { createHash } from 'node:crypto';
import type { ToolDefinition } from '../tool.types';

export interface ToolChanges {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
}

/** JSON with every object's keys sorted, so equal values always give the same text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Per tool (by the upstream's own name), a hash of everything a model reads of it: its title,
 * description, schemas and annotations. A tool that quietly rewrites its description after it was
 * approved (a "rug pull") changes its fingerprint.
 */
export function fingerprintTools(definitions: readonly ToolDefinition[], serverName: string): Record<string, string> {
  // fromEntries defines own properties, so a tool named `__proto__` is a name like any other.
  return Object.fromEntries(
    definitions.map((definition) => {
      const name = upstreamName(definition, serverName);
      const seen = { title: definition.title, description: definition.description, inputSchema: definition.inputSchema, outputSchema: definition.outputSchema, annotations: definition.annotations };
      return [name, createHash('sha256').update(canonicalJson(seen)).digest('base64url')];
    }),
  );
}

/** A tool's name on its upstream (registered as `<server>__<name>`). */
export function upstreamName(definition: ToolDefinition, serverName: string): string {
  const prefix = `${serverName}__`;
  return definition.name.startsWith(prefix) ? definition.name.slice(prefix.length) : definition.name;
}

/** The tools whose fingerprint is the approved one, and the upstream names of the rest (new or changed). */
export function splitByApproval(definitions: readonly ToolDefinition[], serverName: string, approved: Readonly<Record<string, string>>): { served: ToolDefinition[]; held: string[] } {
  const fingerprints = fingerprintTools(definitions, serverName);
  const served: ToolDefinition[] = [];
  const held: string[] = [];
  for (const definition of definitions) {
    const name = upstreamName(definition, serverName);
    if (Object.hasOwn(approved, name) && approved[name] === fingerprints[name]) served.push(definition);
    else held.push(name);
  }
  return { served, held: held.sort() };
}

/** What differs between two listings; null when nothing does. */
export function toolChanges(previous: Readonly<Record<string, string>>, next: Readonly<Record<string, string>>): ToolChanges | null {
  const added = Object.keys(next).filter((name) => !Object.hasOwn(previous, name));
  const removed = Object.keys(previous).filter((name) => !Object.hasOwn(next, name));
  const changed = Object.keys(next).filter((name) => Object.hasOwn(previous, name) && previous[name] !== next[name]);
  if (added.length + removed.length + changed.length === 0) return null;
  return { added: added.sort(), removed: removed.sort(), changed: changed.sort() };
}

type Query = (sql: string, parameters: unknown[]) => Promise<unknown>;

// FOR UPDATE in the CTE: an instance that comes second waits, then reads the row as the first left
// it, finds its listing already stored, and updates nothing. Without it, both would read the old
// value before either wrote, and both would report the change.
const SWAP_SQL = `WITH old AS (SELECT tool_fingerprints FROM upstream_servers WHERE id = $1 FOR UPDATE)
  UPDATE upstream_servers SET tool_fingerprints = $2::jsonb FROM old
  WHERE upstream_servers.id = $1 AND old.tool_fingerprints IS DISTINCT FROM $2::jsonb
  RETURNING old.tool_fingerprints AS previous`;

/**
 * Stores a server's listing and answers the fingerprints it replaced (null for its first listing);
 * undefined when the stored ones were the same, or the server is gone. `query` is TypeORM's, which
 * answers an UPDATE … RETURNING as [rows, rowCount].
 */
export async function swapToolFingerprints(query: Query, serverId: string, fingerprints: Readonly<Record<string, string>>): Promise<{ previous: Record<string, string> | null } | undefined> {
  const [rows] = (await query(SWAP_SQL, [serverId, JSON.stringify(fingerprints)])) as [Array<{ previous: Record<string, string> | null }>, number];
  return rows[0];
}

/**
 * The approved listing a held server's tools are compared with; its first listing is adopted as
 * approved (by whichever instance lists it first). undefined when the server is gone.
 */
export async function approvedListing(query: Query, serverId: string, firstListing: Readonly<Record<string, string>>): Promise<Record<string, string> | undefined> {
  const [adopted] = (await query(`UPDATE upstream_servers SET approved_tools = $2::jsonb WHERE id = $1 AND approved_tools IS NULL RETURNING approved_tools`, [serverId, JSON.stringify(firstListing)])) as [
    Array<{ approved_tools: Record<string, string> }>,
    number,
  ];
  if (adopted[0]) return adopted[0].approved_tools;
  const rows = (await query(`SELECT approved_tools FROM upstream_servers WHERE id = $1`, [serverId])) as Array<{ approved_tools: Record<string, string> | null }>;
  return rows[0]?.approved_tools ?? undefined;
}
