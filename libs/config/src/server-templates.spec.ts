import { describe, expect, it } from 'vitest';
import { parseServerTemplates } from './server-templates';

const GOOD = {
  id: 'local-tools',
  name: 'Local tools',
  description: 'Our tools',
  category: 'internal',
  transport: { type: 'stdio', command: 'node', args: ['server.js', '{{MODE}}'] },
  placeholders: [
    { key: 'MODE', description: 'How it runs', required: true, in: 'arg' },
    { key: 'API_TOKEN', description: 'Its token', required: false, secret: true, in: 'env' },
  ],
};

describe('UPSTREAM_TEMPLATES_FILE', () => {
  it('reads templates, with defaults for what they leave out', () => {
    const [template, remote] = parseServerTemplates(JSON.stringify([GOOD, { id: 'remote', name: 'Remote', description: 'Over HTTP', transport: { type: 'sse', url: 'https://mcp.example.com/sse' } }]));
    expect(template).toEqual({ ...GOOD, placeholders: [{ ...GOOD.placeholders[0], secret: false }, GOOD.placeholders[1]] });
    expect(remote).toEqual({ id: 'remote', name: 'Remote', description: 'Over HTTP', category: 'other', transport: { type: 'sse', url: 'https://mcp.example.com/sse' }, placeholders: [] });
  });

  it("keeps what each user of a server made from it gives for themselves", () => {
    const userConfig = { schema: { type: 'object', properties: { token: { type: 'string' } } }, env: { TOKEN: '{{token}}' }, required: false };
    expect(parseServerTemplates(JSON.stringify([{ ...GOOD, userConfig }]))[0].userConfig).toEqual(userConfig);
  });

  it.each([
    ['not json', 'is not valid JSON'],
    [JSON.stringify({ templates: [] }), 'JSON array'],
    [JSON.stringify([{ ...GOOD, id: 'Bad Id' }]), '[0].id'],
    [JSON.stringify([GOOD, GOOD]), 'given twice'],
    [JSON.stringify([{ ...GOOD, name: '' }]), '[0].name'],
    [JSON.stringify([{ ...GOOD, transport: { type: 'ws', url: 'x' } }]), '[0].transport.type'],
    [JSON.stringify([{ ...GOOD, transport: { type: 'stdio' } }]), '[0].transport.command'],
    [JSON.stringify([{ ...GOOD, transport: { type: 'stdio', command: 'node', args: [1] } }]), '[0].transport.args'],
    [JSON.stringify([{ ...GOOD, transport: { type: 'streamable-http' } }]), '[0].transport.url'],
    [JSON.stringify([{ ...GOOD, placeholders: {} }]), '[0].placeholders'],
    [JSON.stringify([{ ...GOOD, placeholders: [{ key: '1x', description: 'd', in: 'env' }] }]), '[0].placeholders[0].key'],
    [JSON.stringify([{ ...GOOD, placeholders: [{ key: 'A', description: 'd', in: 'query' }] }]), '[0].placeholders[0].in'],
    [JSON.stringify([{ ...GOOD, placeholders: [{ key: 'A', description: 'd', in: 'arg', secret: true }] }]), 'must be in env or header'],
    [JSON.stringify([{ ...GOOD, placeholders: [GOOD.placeholders[1]] }]), 'uses {{MODE}}, which is not an arg placeholder'],
    [JSON.stringify([{ ...GOOD, transport: { type: 'stdio', command: 'node', args: ['{{API_TOKEN}}'] } }]), 'uses {{API_TOKEN}}'],
    [JSON.stringify([{ ...GOOD, transport: { type: 'sse', url: 'https://{{HOST}}/sse' } }]), 'uses {{HOST}}'],
    [JSON.stringify([{ ...GOOD, userConfig: { env: { A: '{{a}}' } } }]), '[0].userConfig.schema'],
    [JSON.stringify([{ ...GOOD, userConfig: { schema: {}, env: { A: 1 } } }]), '[0].userConfig.env'],
    [JSON.stringify([{ ...GOOD, userConfig: { schema: {}, headers: [] } }]), '[0].userConfig.headers'],
    [JSON.stringify([{ ...GOOD, userConfig: { schema: {}, required: 'yes' } }]), '[0].userConfig.required'],
  ])('refuses %s, saying where', (json, problem) => {
    expect(() => parseServerTemplates(json)).toThrow(problem);
  });
});
