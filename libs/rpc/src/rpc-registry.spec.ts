import type { AuthenticatedUser } from '@app/security';
import { describe, expect, it, vi } from 'vitest';
import type { RpcContext } from './json-rpc';
import { RpcRegistry } from './rpc-registry';

const caller = (permissions: string[]): AuthenticatedUser => ({ id: 'u', email: 'u@x.io', roles: [], permissions, via: 'api-key' });
const contextOf = (permissions: string[]): RpcContext => ({ caller: caller(permissions), origin: {}, door: 'ws' });

describe('declared permissions', () => {
  function registry(handle = vi.fn(() => ({ done: true }))): { rpc: RpcRegistry; handle: typeof handle } {
    const rpc = new RpcRegistry();
    rpc.register('write', { permissions: ['write:contexts'], params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } }, handle });
    return { rpc, handle };
  }

  it('refuses a caller without them (-32003, FORBIDDEN) before params are read or the handler runs', async () => {
    const { rpc, handle } = registry();
    const reply = await rpc.handleFrame('{"jsonrpc":"2.0","id":1,"method":"write","params":{}}', contextOf(['read:tools']));
    expect(reply).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32003, message: 'Missing permission: write:contexts', data: { code: 'FORBIDDEN' } } });
    expect(handle).not.toHaveBeenCalled();
  });

  it('lets a caller through who holds them, wildcards included', async () => {
    for (const permissions of [['write:contexts'], ['write:*'], ['admin:*'], ['*']]) {
      const { rpc } = registry();
      expect(await rpc.handleFrame('{"jsonrpc":"2.0","id":1,"method":"write","params":{"id":"c"}}', contextOf(permissions))).toEqual({ jsonrpc: '2.0', id: 1, result: { done: true } });
    }
  });

  it('holds for direct calls too (the MCP door’s own)', async () => {
    const { rpc } = registry();
    await expect(rpc.call('write', { id: 'c' }, contextOf([]))).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });
});
