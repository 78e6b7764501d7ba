import type { ToolDefinition } from '../tool.types';
import { upstreamName } from './tool-fingerprints';

/** Which of a server's tools the gateway serves (see UpstreamToolFilter in the contract). */
export interface ToolFilter {
  include?: string[];
  exclude?: string[];
  readOnly?: boolean;
}

/**
 * Whether `name` matches `pattern`, where `*` is any run of characters and everything else stands
 * for itself. Greedy with one back-up point: O(pattern × name) at worst, never exponential, however
 * many stars an admin writes or however long the names an upstream lists.
 */
export function globMatches(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  while (n < name.length) {
    if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = n;
    } else if (p < pattern.length && pattern[p] === name[n]) {
      p++;
      n++;
    } else if (star !== -1) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** The definitions a server's filter lets through, by the upstream's own tool names; all of them without a filter. */
export function filterTools(filter: ToolFilter | null, serverName: string, definitions: ToolDefinition[]): ToolDefinition[] {
  if (!filter) return definitions;
  const matchesAny = (patterns: readonly string[], name: string) => patterns.some((pattern) => globMatches(pattern, name));
  return definitions.filter((definition) => {
    const name = upstreamName(definition, serverName);
    if (filter.include?.length && !matchesAny(filter.include, name)) return false;
    if (filter.exclude?.length && matchesAny(filter.exclude, name)) return false;
    return !filter.readOnly || definition.annotations?.readOnlyHint === true;
  });
}
