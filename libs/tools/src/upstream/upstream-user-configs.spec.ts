import type { AuditWriter } from '@app/audit';
import type { AppConfig } from '@app/config';
import { EventBus, LocalOnlyTransport } from '@app/events';
import type { SecretBox } from '@app/security';
import type { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import type { UpstreamSettings } from './upstream-connection';
import { UpstreamUserConfigs } from './upstream-user-configs';

const schema = { type: 'object', properties: { token: { type: 'string' } } };

function configs(): UpstreamUserConfigs {
  const dataSource = { getRepository: () => ({}) } as unknown as DataSource;
  const config = { upstream: { userConnectionsMax: 1, userConnectionIdleMs: 60_000 } } as unknown as AppConfig;
  return new UpstreamUserConfigs(dataSource, config, {} as SecretBox, {} as AuditWriter, new EventBus(new LocalOnlyTransport()));
}

function settings(transport: UpstreamSettings['transport']): UpstreamSettings {
  return { id: 's', name: 'personal', transport, connectMs: 1000, requestMs: 1000, healthIntervalMs: 0, healthTimeoutMs: 0, category: 'data' };
}

describe('UpstreamUserConfigs.settingsFor', () => {
  it("never sends the server's own value under a header a template sets, rendered or not (in any case)", () => {
    const base = settings({ type: 'streamable-http', url: 'http://upstream.test/mcp', headers: { authorization: 'Bearer discovery-admin-token', 'X-Shared': 'kept' } });
    const userConfig = { schema, headers: { Authorization: 'Bearer {{token}}' }, required: true };
    expect(configs().settingsFor(base, userConfig, {}).transport.headers).toEqual({ 'X-Shared': 'kept' });
    expect(configs().settingsFor(base, userConfig, { token: 'mine' }).transport.headers).toEqual({ 'X-Shared': 'kept', Authorization: 'Bearer mine' });
  });

  it("never starts a user's process with the server's own value of a variable a template sets", () => {
    const base = settings({ type: 'stdio', command: 'node', args: [], env: { TOKEN: 'server-secret', SHARED: 'for-all' } });
    const userConfig = { schema, env: { TOKEN: '{{token}}' }, required: true };
    expect(configs().settingsFor(base, userConfig, {}).transport.env).toEqual({ SHARED: 'for-all' });
    expect(configs().settingsFor(base, userConfig, { token: 'mine' }).transport.env).toEqual({ SHARED: 'for-all', TOKEN: 'mine' });
  });
});
