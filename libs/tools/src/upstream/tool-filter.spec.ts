import { describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../tool.types';
import { filterTools, globMatches } from './tool-filter';

const tool = (name: string, readOnly = false): ToolDefinition =>
  ({ id: `tool_gh__${name}`, name: `gh__${name}`, description: '', version: '1', category: 'data', source: 'upstream', server: { id: 's', name: 'gh' }, inputSchema: {}, permissions: [], ...(readOnly ? { annotations: { readOnlyHint: true } } : {}), run: async () => name }) as ToolDefinition;
const names = (definitions: ToolDefinition[]) => definitions.map((definition) => definition.name);
const all = [tool('get_issue', true), tool('list_issues', true), tool('create_issue'), tool('delete_repo'), tool('a.b'), tool('axb')];

describe('filterTools', () => {
  it('serves everything without a filter', () => {
    expect(filterTools(null, 'gh', all)).toBe(all);
  });

  it('includes by pattern, then excludes, by the upstream names', () => {
    expect(names(filterTools({ include: ['*_issue*'] }, 'gh', all))).toEqual(['gh__get_issue', 'gh__list_issues', 'gh__create_issue']);
    expect(names(filterTools({ include: ['*_issue*'], exclude: ['create_*'] }, 'gh', all))).toEqual(['gh__get_issue', 'gh__list_issues']);
    expect(names(filterTools({ exclude: ['delete_*', 'create_issue'] }, 'gh', all))).toEqual(['gh__get_issue', 'gh__list_issues', 'gh__a.b', 'gh__axb']);
  });

  it('takes every character but * literally, and matches whole names', () => {
    expect(names(filterTools({ include: ['a.b'] }, 'gh', all))).toEqual(['gh__a.b']);
    expect(names(filterTools({ include: ['issue'] }, 'gh', all))).toEqual([]);
  });

  it('with readOnly, serves only tools annotated read-only', () => {
    expect(names(filterTools({ readOnly: true }, 'gh', all))).toEqual(['gh__get_issue', 'gh__list_issues']);
    expect(names(filterTools({ readOnly: true, exclude: ['list_*'] }, 'gh', all))).toEqual(['gh__get_issue']);
  });

  it('matches globs without backtracking blow-ups', () => {
    expect(globMatches('*', '')).toBe(true);
    expect(globMatches('a*b*c', 'aXXbYYc')).toBe(true);
    expect(globMatches('a*b*c', 'aXXbYY')).toBe(false);
    expect(globMatches('*ab', 'aab')).toBe(true);
    expect(globMatches('**a**', 'bab')).toBe(true);
    // Exponential for a backtracking regex; linear work per star here.
    expect(globMatches(`${'*a'.repeat(60)}*b`, 'a'.repeat(5_000))).toBe(false);
  });
});
