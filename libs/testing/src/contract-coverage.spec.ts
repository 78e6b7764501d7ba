import type { ContractOperation } from '@app/contracts';
import { describe, expect, it } from 'vitest';
import { compareRoutesWithSpec, routeToSpecPath } from './contract-coverage';

const op = (method: ContractOperation['method'], path: string, basePath = '/api/v1'): ContractOperation => ({ operationId: `${method}${path}`, method, basePath, path, public: false });

describe('compareRoutesWithSpec', () => {
  it('maps Fastify route templates to spec paths', () => {
    expect(routeToSpecPath('/api/v1/tools/:id/execute')).toBe('/api/v1/tools/{id}/execute');
    expect(routeToSpecPath('/.well-known/jwks.json')).toBe('/.well-known/jwks.json');
  });

  it('passes when routes and operations agree', () => {
    const report = compareRoutesWithSpec(
      [
        { method: 'GET', url: '/api/v1/tools/:id' },
        { method: 'HEAD', url: '/api/v1/tools/:id' },
      ],
      [op('GET', '/tools/{id}')],
    );
    expect(report).toEqual({ unrouted: [], undocumented: [] });
  });

  it('reports an operation without a route', () => {
    const report = compareRoutesWithSpec([{ method: 'GET', url: '/api/v1/health' }], [op('GET', '/health'), op('POST', '/tools/{id}/execute')]);
    expect(report.unrouted).toEqual(['POST /api/v1/tools/{id}/execute']);
    expect(report.undocumented).toEqual([]);
  });

  it('reports a route missing from the spec', () => {
    const report = compareRoutesWithSpec([{ method: 'GET', url: '/api/v1/health' }, { method: 'DELETE', url: '/api/v1/secret/:id' }], [op('GET', '/health')]);
    expect(report.undocumented).toEqual(['DELETE /api/v1/secret/{id}']);
    expect(report.unrouted).toEqual([]);
  });

  it('matches operations served at the root by their own base path', () => {
    const report = compareRoutesWithSpec([{ method: 'GET', url: '/.well-known/jwks.json' }], [op('GET', '/.well-known/jwks.json', '')]);
    expect(report).toEqual({ unrouted: [], undocumented: [] });
    const misplaced = compareRoutesWithSpec([{ method: 'GET', url: '/api/v1/.well-known/jwks.json' }], [op('GET', '/.well-known/jwks.json', '')]);
    expect(misplaced.unrouted).toEqual(['GET /.well-known/jwks.json']);
  });

  it('ignores routes under the given prefixes only', () => {
    const report = compareRoutesWithSpec([{ method: 'GET', url: '/api/docs/static/*' }, { method: 'GET', url: '/api/docsx' }], [], ['/api/docs']);
    expect(report.undocumented).toEqual(['GET /api/docsx']);
  });
});
