import type { UpstreamServer } from '@app/contracts';
import { addHttpUpstream, type LoggedInUser, type McpTestServer, openWs, registerAndLogin, registerAndLoginAs, startMcpTestServer, useTestApp } from '@app/testing';
import { Logger } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Resource } from '@modelcontextprotocol/sdk/types.js';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const PAGING_SERVER = join(process.cwd(), 'test/fixtures/paging-mcp-server.mjs');

describe('/mcp: upstream resources, prompts and completion, scoped to the caller, with MCP error codes and pagination', () => {
  const t = useTestApp({ UPSTREAM_STDIO_COMMANDS: process.execPath });
  let user: LoggedInUser;
  let admin: LoggedInUser;
  let remote: McpTestServer;
  const clients: Client[] = [];
  const warnings: string[] = [];

  async function connect(token: string, path = '/mcp'): Promise<Client> {
    const transport = new StreamableHTTPClientTransport(new URL(`${t.baseUrl}${path}`), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
    const client = new Client({ name: 'scope-e2e', version: '1.0.0' }, { capabilities: {} });
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  function addPagingUpstream(name: string, env: Record<string, string> = {}): Promise<{ status: number; body: UpstreamServer }> {
    return t.client.call<UpstreamServer>('createServer', { headers: admin.auth, body: { name, transport: { type: 'stdio', command: process.execPath, args: [PAGING_SERVER], env } } });
  }

  async function contextEndpoint(tools: string[]): Promise<string> {
    const context = await t.client.call<{ id: string }>('createContext', { headers: user.auth, body: { name: `scope ${tools.join(',')}`, tools } });
    expect(context.status).toBe(201);
    return `/mcp/${context.body.id}`;
  }

  /** Every page of resources/list, following our own cursors. */
  async function allResources(client: Client): Promise<{ resources: Resource[]; pages: number }> {
    const resources: Resource[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const answer = await client.listResources(cursor === undefined ? undefined : { cursor });
      resources.push(...answer.resources);
      cursor = answer.nextCursor;
      pages++;
    } while (cursor !== undefined && pages < 200);
    return { resources, pages };
  }

  beforeAll(async () => {
    vi.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    user = await registerAndLogin(t.client);
    admin = await registerAndLoginAs(t, ['admin']);
    remote = await startMcpTestServer();
    expect((await addHttpUpstream(t.client, admin, 'remote', remote.url)).body.status).toBe('connected');
    expect((await addPagingUpstream('paging')).body.status).toBe('connected');
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await remote?.close();
  });

  describe('1. a caller reaches upstream resources, prompts and completions only if it may run upstream tools (execute:tools)', () => {
    it('an API key without execute:tools sees none of them, and every item is unknown to it', async () => {
      const key = await t.client.call<{ key: string }>('createApiKey', { headers: user.auth, body: { name: 'no upstreams', scopes: ['read:tools'] } });
      expect(key.status).toBe(201);
      const client = await connect(key.body.key);
      const capabilities = client.getServerCapabilities() ?? {};
      expect(capabilities).not.toHaveProperty('resources');
      expect(capabilities).not.toHaveProperty('prompts');
      expect(capabilities).not.toHaveProperty('completions');
      expect((await client.listTools()).tools.filter((tool) => tool.name.includes('__'))).toEqual([]);
      expect((await client.listResources()).resources).toEqual([]);
      expect((await client.listResourceTemplates()).resourceTemplates).toEqual([]);
      expect((await client.listPrompts()).prompts).toEqual([]);
      for (const uri of ['test://note', 'pag://r/0', 'test://notes/1']) {
        await expect(client.readResource({ uri })).rejects.toMatchObject({ code: -32002 });
        await expect(client.subscribeResource({ uri })).rejects.toMatchObject({ code: -32002 });
      }
      expect(remote.subscriptions('test://note')).toBe(0);
      await expect(client.getPrompt({ name: 'remote__greet', arguments: { name: 'Ada' } })).rejects.toMatchObject({ code: -32602 });
      await expect(client.complete({ ref: { type: 'ref/prompt', name: 'remote__greet' }, argument: { name: 'name', value: 'A' } })).rejects.toMatchObject({ code: -32602 });
      await expect(client.complete({ ref: { type: 'ref/resource', uri: 'test://notes/{id}' }, argument: { name: 'id', value: '1' } })).rejects.toMatchObject({ code: -32602 });
    });

    it('a key with execute:tools reaches them, as the user does', async () => {
      const key = await t.client.call<{ key: string }>('createApiKey', { headers: user.auth, body: { name: 'upstreams', scopes: ['read:tools', 'execute:tools'] } });
      const client = await connect(key.body.key);
      expect(client.getServerCapabilities()).toMatchObject({ resources: { subscribe: true }, prompts: {}, completions: {} });
      expect((await client.readResource({ uri: 'test://note' })).contents).toEqual([expect.objectContaining({ uri: 'test://note', text: 'a note' })]);
      expect((await client.getPrompt({ name: 'remote__greet', arguments: { name: 'Ada' } })).messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Greet Ada' } }]);
      expect((await client.complete({ ref: { type: 'ref/prompt', name: 'remote__greet' }, argument: { name: 'name', value: 'A' } })).completion.values).toEqual(['Ada', 'Alan']);
    });
  });

  describe('2. /mcp/{contextId} serves only the resources of the servers whose tools the context holds', () => {
    it('lists, reads and subscribes to the context’s servers’ resources only', async () => {
      const client = await connect(user.accessToken, await contextEndpoint(['remote__echo']));
      const { resources } = await allResources(client);
      expect(resources.map((resource) => resource.uri).sort()).toEqual(['test://broken', 'test://note']);
      expect((await client.listResourceTemplates()).resourceTemplates.map((template) => template.uriTemplate)).toEqual(['test://notes/{id}']);
      expect((await client.readResource({ uri: 'test://note' })).contents[0]).toMatchObject({ text: 'a note' });
      await expect(client.readResource({ uri: 'pag://r/0' })).rejects.toMatchObject({ code: -32002 });
      await expect(client.readResource({ uri: 'pag://t1/x' })).rejects.toMatchObject({ code: -32002 });
      await expect(client.subscribeResource({ uri: 'pag://r/0' })).rejects.toMatchObject({ code: -32002 });
      expect((await client.listPrompts()).prompts.map((prompt) => prompt.name)).toEqual(['greet']);
    });

    it('declares resources, prompts and completions only when the context’s servers offer them', async () => {
      const builtinsOnly = await connect(user.accessToken, await contextEndpoint(['system_info']));
      const capabilities = builtinsOnly.getServerCapabilities() ?? {};
      expect(capabilities).toMatchObject({ tools: { listChanged: true } });
      expect(capabilities).not.toHaveProperty('resources');
      expect(capabilities).not.toHaveProperty('prompts');
      expect(capabilities).not.toHaveProperty('completions');
      expect((await builtinsOnly.listResources()).resources).toEqual([]);

      // The paging server offers resources but no subscriptions; the remote one offers both.
      const paging = await connect(user.accessToken, await contextEndpoint(['paging__plain']));
      expect(paging.getServerCapabilities()).toMatchObject({ resources: {}, prompts: {}, completions: {} });
      expect(paging.getServerCapabilities()?.resources).not.toHaveProperty('subscribe');
      const both = await connect(user.accessToken, await contextEndpoint(['paging__plain', 'remote__echo']));
      expect(both.getServerCapabilities()?.resources).toEqual({ subscribe: true });
    });
  });

  describe('3. MCP’s error codes for missing resources and unknown prompts', () => {
    it('answers -32002 "Resource not found" to read and subscribe, and -32602 to an unknown prompt', async () => {
      const client = await connect(user.accessToken);
      await expect(client.readResource({ uri: 'test://nothing-here' })).rejects.toMatchObject({ code: -32002, message: expect.stringContaining('Resource not found'), data: { uri: 'test://nothing-here' } });
      await expect(client.subscribeResource({ uri: 'test://nothing-here' })).rejects.toMatchObject({ code: -32002, message: expect.stringContaining('Resource not found') });
      // No upstream of that name: our refusal. The upstream's own refusal keeps its -32602 too.
      await expect(client.getPrompt({ name: 'nope' })).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('Unknown prompt: nope') });
      await expect(client.getPrompt({ name: 'remote__nope' })).rejects.toMatchObject({ code: -32602 });
      const inContext = await connect(user.accessToken, await contextEndpoint(['remote__echo']));
      await expect(inContext.getPrompt({ name: 'p0' })).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('Unknown prompt: p0') });
      await expect(inContext.readResource({ uri: 'test://nothing-here' })).rejects.toMatchObject({ code: -32002 });
    });
  });

  describe('4. invalid cursors are -32602', () => {
    it('refuses cursors it never minted, on every list, and "" on tools/list', async () => {
      const client = await connect(user.accessToken);
      for (const cursor of ['garbage', '', 'MDA', '-1']) {
        await expect(client.listResources({ cursor })).rejects.toMatchObject({ code: -32602 });
        await expect(client.listResourceTemplates({ cursor })).rejects.toMatchObject({ code: -32602 });
        await expect(client.listPrompts({ cursor })).rejects.toMatchObject({ code: -32602 });
        await expect(client.listTools({ cursor })).rejects.toMatchObject({ code: -32602 });
      }
    });
  });

  describe('5. every upstream page is read, and our own answers are paginated', () => {
    it('lists all 150 paged resources of an upstream across our own pages, and reads one from its last page', async () => {
      const client = await connect(user.accessToken);
      const first = await client.listResources();
      expect(first.resources).toHaveLength(100);
      expect(first.nextCursor).toEqual(expect.any(String));
      const { resources, pages } = await allResources(client);
      expect(pages).toBe(2);
      const uris = resources.map((resource) => resource.uri);
      expect(new Set(uris).size).toBe(uris.length);
      expect(uris.filter((uri) => uri.startsWith('pag://r/')).sort()).toEqual(Array.from({ length: 150 }, (_, i) => `pag://r/${i}`).sort());
      expect(uris).toContain('test://note');
      expect((await client.readResource({ uri: 'pag://r/149' })).contents).toEqual([{ uri: 'pag://r/149', text: 'content of pag://r/149' }]);
    });

    it('lists every page of templates and prompts, and finds a prompt from the last page', async () => {
      const client = await connect(user.accessToken);
      const templates = (await client.listResourceTemplates()).resourceTemplates.map((template) => template.uriTemplate);
      expect(templates.sort()).toEqual(['pag://t0/{id}', 'pag://t1/{id}', 'pag://t2/{id}', 'pag://t3/{id}', 'pag://t4/{id}', 'test://notes/{id}']);
      const prompts = (await client.listPrompts()).prompts.map((prompt) => prompt.name);
      expect(prompts.sort()).toEqual(['paging__p0', 'paging__p1', 'paging__p2', 'paging__p3', 'paging__p4', 'remote__greet']);
      expect((await client.getPrompt({ name: 'paging__p4' })).messages[0].content).toEqual({ type: 'text', text: 'prompt p4' });
      expect((await client.complete({ ref: { type: 'ref/resource', uri: 'pag://t4/{id}' }, argument: { name: 'id', value: 'x' } })).completion.values).toEqual(['x-done']);
      const inContext = await connect(user.accessToken, await contextEndpoint(['paging__plain']));
      expect((await inContext.listPrompts()).prompts.map((prompt) => prompt.name)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
      expect((await inContext.complete({ ref: { type: 'ref/prompt', name: 'p4' }, argument: { name: 'who', value: 'y' } })).completion.values).toEqual(['y-done']);
    });

    it('stops following an upstream that always offers another page (100 pages)', async () => {
      const created = await addPagingUpstream('endless', { ENDLESS: '1' });
      expect(created.body.status).toBe('connected');
      try {
        const client = await connect(user.accessToken);
        const { resources } = await allResources(client);
        expect(resources.filter((resource) => resource.uri.startsWith('pag://endless/'))).toHaveLength(200);
      } finally {
        await t.client.call('deleteServer', { headers: admin.auth, params: { id: created.body.id } });
      }
    });
  });

  describe('6. upstream tool titles, annotations and safe icons pass through; task-only tools are left out', () => {
    // The paging fixture's ICONS: these two survive; an inline SVG, a javascript: URL, plain http and an https SVG do not.
    const SAFE_ICONS = [
      { src: 'https://icons.example.com/paging.png', mimeType: 'image/png', sizes: ['48x48'], theme: 'light' },
      { src: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==' },
    ];

    it('passes on only the safe icons of tools, resources, templates and prompts, on the gateway and in a context', async () => {
      const client = await connect(user.accessToken);
      const tools = (await client.listTools()).tools;
      expect(tools.find((tool) => tool.name === 'paging__annotated')?.icons).toEqual(SAFE_ICONS);
      expect(tools.find((tool) => tool.name === 'paging__plain')).not.toHaveProperty('icons');
      const { resources } = await allResources(client);
      expect(resources.find((resource) => resource.uri === 'pag://r/0')?.icons).toEqual(SAFE_ICONS);
      expect(resources.find((resource) => resource.uri === 'pag://r/1')).not.toHaveProperty('icons');
      const templates = (await client.listResourceTemplates()).resourceTemplates;
      expect(templates.find((template) => template.uriTemplate === 'pag://t0/{id}')?.icons).toEqual(SAFE_ICONS);
      const prompts = (await client.listPrompts()).prompts;
      expect(prompts.find((prompt) => prompt.name === 'paging__p0')?.icons).toEqual(SAFE_ICONS);
      expect(prompts.find((prompt) => prompt.name === 'paging__p1')).not.toHaveProperty('icons');

      const inContext = await connect(user.accessToken, await contextEndpoint(['paging__annotated']));
      expect((await inContext.listTools()).tools).toEqual([expect.objectContaining({ name: 'annotated', icons: SAFE_ICONS })]);
      expect((await inContext.listPrompts()).prompts.find((prompt) => prompt.name === 'p0')?.icons).toEqual(SAFE_ICONS);
    });

    it('shows the same icons to a WebSocket client, and none on REST', async () => {
      const ws = await openWs(t.baseUrl, { headers: user.auth });
      const listed = await ws.request<{ tools: Array<{ name: string; icons?: unknown }> }>('tools/list');
      ws.close();
      expect(listed.result?.tools.find((tool) => tool.name === 'paging__annotated')?.icons).toEqual(SAFE_ICONS);
      const rest = await t.client.call<{ tools: Array<Record<string, unknown>> }>('listTools', { headers: user.auth });
      expect(rest.body.tools.find((tool) => tool.name === 'paging__annotated')).not.toHaveProperty('icons');
    });

    it('keeps the upstream’s title and annotations, and omits a title it did not give', async () => {
      const client = await connect(user.accessToken);
      const { tools } = await client.listTools();
      expect(tools.find((tool) => tool.name === 'paging__annotated')).toMatchObject({ title: 'Annotated Tool', annotations: { destructiveHint: true, readOnlyHint: false } });
      const plain = tools.find((tool) => tool.name === 'paging__plain');
      expect(plain).toBeDefined();
      expect(plain).not.toHaveProperty('title');
      expect(plain).not.toHaveProperty('annotations');
    });

    it('leaves a tool that requires MCP tasks out of tools/list and says so in the log', async () => {
      const client = await connect(user.accessToken);
      expect((await client.listTools()).tools.map((tool) => tool.name)).not.toContain('paging__needs_task');
      expect(warnings.some((line) => line.includes('needs_task') && line.includes('tasks'))).toBe(true);
      const rest = await t.client.call<{ tools: Array<{ name: string }> }>('listTools', { headers: user.auth });
      expect(rest.body.tools.map((tool) => tool.name)).toContain('paging__plain');
      expect(rest.body.tools.map((tool) => tool.name)).not.toContain('paging__needs_task');
    });
  });
});
