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
  const prefix = `${serverName}__`;
  // fromEntries defines own properties, so a tool named `__proto__` is a name like any other.
  return Object.fromEntries(
    definitions.map((definition) => {
      const name = definition.name.startsWith(prefix) ? definition.name.slice(prefix.length) : definition.name;
      const seen = { title: definition.title, description: definition.description, inputSchema: definition.inputSchema, outputSchema: definition.outputSchema, annotations: definition.annotations };
      return [name, createHash('sha256').update(canonicalJson(seen)).digest('base64url')];
    }),
  );
}

/** What differs between two listings; null when nothing does. */
export function toolChanges(previous: Readonly<Record<string, string>>, next: Readonly<Record<string, string>>): ToolChanges | null {
  const added = Object.keys(next).filter((name) => !Object.hasOwn(previous, name));
  const removed = Object.keys(previous).filter((name) => !Object.hasOwn(next, name));
  const changed = Object.keys(next).filter((name) => Object.hasOwn(previous, name) && previous[name] !== next[name]);
  if (added.length + removed.length + changed.length === 0) return null;
  return { added: added.sort(), removed: removed.sort(), changed: changed.sort() };
}
