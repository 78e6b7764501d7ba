import { CONTRACT_OPERATIONS, SWAGGER_UI_PREFIX } from '@app/contracts';
import { compareRoutesWithSpec, useTestApp } from '@app/testing';
import { describe, expect, it } from 'vitest';

describe('contract: openapi.yaml and the served routes are the same set', () => {
  const t = useTestApp();

  it('every operation is routed and every route is an operation', () => {
    // Swagger UI's own pages and assets are the viewer of the contract, not part of it.
    const report = compareRoutesWithSpec(t.routes, CONTRACT_OPERATIONS, [SWAGGER_UI_PREFIX]);
    expect(report.unrouted, 'operations in openapi.yaml without a route').toEqual([]);
    expect(report.undocumented, 'routes missing from openapi.yaml').toEqual([]);
  });

  it('deny by default: exactly the operations without security answer without credentials', async () => {
    for (const operation of CONTRACT_OPERATIONS) {
      const path = `${operation.basePath}${operation.path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000')}`;
      const response = await t.client.raw(operation.method, path, operation.method === 'GET' || operation.method === 'DELETE' ? {} : { body: '{}', headers: { 'content-type': 'application/json' } });
      if (operation.public) {
        expect(response.status, `${operation.operationId} is public in openapi.yaml`).not.toBe(401);
      } else {
        expect(response.status, `${operation.operationId} must refuse anonymous callers`).toBe(401);
        expect((response.body as { error: string }).error).toBe('UNAUTHORIZED');
      }
    }
  });
});
