import type { EventBus } from '@app/events';
import type { AuthenticatedUser } from '@app/security';
import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ToolDefinition } from '../tool.types';
import type { CallerOrganizations } from './caller-organizations';
import { ToolClashError, ToolRegistry } from './tool-registry';

function registry() {
  const published: unknown[] = [];
  const events = { publish: (name: string, payload: unknown) => void published.push({ name, payload }) } as unknown as EventBus;
  return { registry: new ToolRegistry(events), published };
}

/** A tool as an upstream connection defines it: `<server>__<tool>`. */
function upstreamTool(server: { id: string; name: string }, tool: string, answer = `${server.name}:${tool}`): ToolDefinition {
  return {
    id: `tool_${server.name}__${tool}`,
    name: `${server.name}__${tool}`,
    description: '',
    version: '1',
    category: 'data',
    source: 'upstream',
    server,
    inputSchema: { type: 'object' },
    permissions: ['execute:tools'],
    run: async () => answer,
  };
}

function builtin(name: string): ToolDefinition {
  return { id: `tool_${name}`, name, description: '', version: '1', category: 'system', source: 'builtin', inputSchema: { type: 'object' }, permissions: [], run: async () => name };
}

const fakeX = { id: 's1', name: 'fake__x' };
const fake = { id: 's2', name: 'fake' };

describe('ToolRegistry: one owner never takes over another owner\u2019s tools', () => {
  afterEach(() => vi.restoreAllMocks());

  it('skips an upstream tool whose name another server holds, with a warning, and keeps the holder', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { registry: tools } = registry();
    tools.replaceServerTools(fakeX.id, [upstreamTool(fakeX, 'echo', 'from fake__x')], 'connected');
    tools.replaceServerTools(fake.id, [upstreamTool(fake, 'x__echo', 'from fake'), upstreamTool(fake, 'other')], 'connected');

    const held = tools.resolve('fake__x__echo');
    expect(held.definition.server).toEqual(fakeX);
    expect(await held.definition.run({}, {} as never)).toBe('from fake__x');
    expect(tools.resolve('tool_fake__x__echo').definition.server).toEqual(fakeX);
    expect(tools.all().map((tool) => tool.definition.name).sort()).toEqual(['fake__other', 'fake__x__echo']);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("tool fake__x__echo (tool_fake__x__echo) of upstream server 'fake' is not registered"));
  });

  it('removing one server\u2019s tools leaves another server\u2019s same-named tool in place', () => {
    vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { registry: tools } = registry();
    tools.replaceServerTools(fakeX.id, [upstreamTool(fakeX, 'echo')], 'connected');
    tools.replaceServerTools(fake.id, [upstreamTool(fake, 'x__echo')], 'connected');
    tools.removeServerTools(fake.id, 'upstream disconnected');
    expect(tools.find('fake__x__echo')?.definition.server).toEqual(fakeX);
    expect(tools.find('tool_fake__x__echo')?.definition.server).toEqual(fakeX);
  });

  it('refuses a name that is another owner\u2019s id (and the other way round)', () => {
    vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { registry: tools } = registry();
    const a = { id: 's1', name: 'a' };
    const toolA = { id: 's2', name: 'tool_a' };
    tools.replaceServerTools(a.id, [upstreamTool(a, 'b')], 'connected');
    // Its name `tool_a__b` is a's id: it would be unreachable by name, so it is not registered.
    tools.replaceServerTools(toolA.id, [upstreamTool(toolA, 'b')], 'connected');
    expect(tools.all().map((tool) => tool.definition.server?.name)).toEqual(['a']);
    expect(tools.resolve('tool_a__b').definition.server).toEqual(a);
  });

  it('never lets an upstream replace a built-in, and refuses a built-in that clashes with an upstream', () => {
    vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { registry: tools } = registry();
    tools.register(builtin('echo'));
    const impostor: ToolDefinition = { ...upstreamTool(fake, 'echo'), id: 'tool_echo', name: 'echo' };
    tools.replaceServerTools(fake.id, [impostor], 'connected');
    expect(tools.resolve('echo').definition.source).toBe('builtin');
    expect(() => tools.register(impostor)).toThrow(ToolClashError);
    tools.replaceServerTools(fake.id, [upstreamTool(fake, 'late')], 'connected');
    expect(() => tools.register(builtin('fake__late'))).toThrow(ToolClashError);
    expect(tools.resolve('fake__late').definition.server).toEqual(fake);
  });

  it('lets an owner replace its own tools (a re-listing, a built-in registered again)', () => {
    const { registry: tools, published } = registry();
    tools.register(builtin('echo'));
    const again = builtin('echo');
    tools.register(again);
    expect(tools.resolve('echo').definition).toBe(again);
    tools.replaceServerTools(fake.id, [upstreamTool(fake, 'one'), upstreamTool(fake, 'two')], 'connected');
    tools.replaceServerTools(fake.id, [upstreamTool(fake, 'two', 'new')], 'tools/list_changed');
    expect(tools.all().map((tool) => tool.definition.name).sort()).toEqual(['echo', 'fake__two']);
    expect(tools.find('fake__one')).toBeUndefined();
    expect(published).toHaveLength(2);
  });
});

describe('ToolRegistry: servers kept to organizations', () => {
  const user = (permissions: string[] = ['execute:tools']): AuthenticatedUser => ({ id: 'u1', email: 'u@example.test', roles: ['user'], permissions, via: 'jwt' });
  const kept = { id: 'kept', name: 'kept' };
  const open = { id: 'open', name: 'open' };

  function keptRegistry(organizationOf: (userId: string) => string | null) {
    const events = { publish: () => undefined } as unknown as EventBus;
    let asked = 0;
    const organizations = { organizationOf: (userId: string) => (asked++, organizationOf(userId)), unknownAmong: async () => [] } as CallerOrganizations;
    const tools = new ToolRegistry(events, organizations);
    tools.register(upstreamTool(kept, 'a'));
    tools.register(upstreamTool(open, 'b'));
    tools.register(builtin('echo'));
    return { tools, asked: () => asked };
  }

  it('asks nobody for an organization while no server is kept to one', () => {
    const { tools, asked } = keptRegistry(() => 'org-a');
    expect(tools.organizationOf(user())).toBeNull();
    expect(tools.visibleTo(user(), null).map((tool) => tool.definition.name)).toEqual(['kept__a', 'open__b', 'echo']);
    expect(asked()).toBe(0);
  });

  it("shows a kept server's tools to its organizations' members and admins only; the others' tools to all", () => {
    const { tools } = keptRegistry((userId) => (userId === 'u1' ? 'org-a' : null));
    tools.setServerAccess(kept.id, ['org-a'], []);
    const member = user();
    expect(tools.organizationOf(member)).toBe('org-a');
    expect(tools.visibleTo(member, 'org-a').map((tool) => tool.definition.name)).toEqual(['kept__a', 'open__b', 'echo']);
    expect(tools.visibleTo(member, 'org-b').map((tool) => tool.definition.name)).toEqual(['open__b', 'echo']);
    expect(tools.visibleTo(member, null).map((tool) => tool.definition.name)).toEqual(['open__b', 'echo']);
    expect([...tools.serversOutOfReach(member, 'org-b')]).toEqual(['kept']);
    expect([...tools.serversOutOfReach(member, 'org-a')]).toEqual([]);
    const admin = user(['admin:*']);
    expect(tools.organizationOf(admin)).toBeNull();
    expect(tools.visibleTo(admin, null)).toHaveLength(3);
    expect([...tools.serversOutOfReach(admin, null)]).toEqual([]);
    // Permissions still hold for members: both are needed.
    expect(tools.visibleTo(user([]), 'org-a').map((tool) => tool.definition.name)).toEqual(['echo']);
  });

  it('an empty list keeps the server to admins; null opens it again', () => {
    const { tools } = keptRegistry(() => 'org-a');
    tools.setServerAccess(kept.id, [], []);
    expect(tools.isKept(upstreamTool(kept, 'a'))).toBe(true);
    expect(tools.reaches(user(), upstreamTool(kept, 'a'), 'org-a')).toBe(false);
    expect(tools.reaches(user(['admin:*']), upstreamTool(kept, 'a'), null)).toBe(true);
    tools.setServerAccess(kept.id, null, []);
    expect(tools.isKept(upstreamTool(kept, 'a'))).toBe(false);
    expect(tools.reaches(user(), upstreamTool(kept, 'a'), null)).toBe(true);
  });

  it('unbound (no organizations lib), nobody is in one: a kept server is for admins only', () => {
    const tools = new ToolRegistry({ publish: () => undefined } as unknown as EventBus);
    tools.register(upstreamTool(kept, 'a'));
    tools.setServerAccess(kept.id, ['org-a'], []);
    expect(tools.organizationOf(user())).toBeNull();
    expect(tools.visibleTo(user(), null)).toEqual([]);
  });
});

describe('ToolRegistry: servers asking permissions beyond execute:tools', () => {
  it("keeps such a server's resources and prompts from callers without them, admins aside", () => {
    const tools = new ToolRegistry({ publish: () => undefined } as unknown as EventBus);
    tools.setServerAccess('github', null, ['use:github']);
    tools.setServerAccess('both', ['org-a'], ['use:both']);
    const caller = (permissions: string[]): AuthenticatedUser => ({ id: 'u', email: 'u@example.test', roles: [], permissions, via: 'jwt' });
    expect([...tools.serversOutOfReach(caller(['execute:tools']), 'org-a')].sort()).toEqual(['both', 'github']);
    expect([...tools.serversOutOfReach(caller(['execute:tools', 'use:github', 'use:both']), 'org-a')]).toEqual([]);
    expect([...tools.serversOutOfReach(caller(['execute:tools', 'use:*']), 'org-b')]).toEqual(['both']);
    expect([...tools.serversOutOfReach(caller(['admin:*']), null)]).toEqual([]);
    tools.setServerAccess('github', null, []);
    tools.setServerAccess('both', null, []);
    expect([...tools.serversOutOfReach(caller([]), null)]).toEqual([]);
    // Asking nobody's organization once no server is kept to one.
    expect(tools.organizationOf(caller([]))).toBeNull();
  });
});
