import { AuditWriter } from '@app/audit';
import { ApiError, type RequestOrigin } from '@app/common';
import type { ServerBulkOutcome, ServerBulkResult } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { UpstreamServerEntity } from './upstream-server.entity';
import { UpstreamService } from './upstream.service';

// Connections start processes and open sockets: many servers are brought up a few at a time.
const BULK_CONCURRENCY = 4;

export type BulkAction = ServerBulkResult['action'];

/** Runs `work` over `items`, at most `limit` at a time; results in the order of `items`. */
async function inBatches<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/**
 * Connecting or disconnecting many servers (a group's, or any the admin names): each as its own
 * endpoint does it (and audited alike), four at a time, and one that fails stops no other.
 */
@Injectable()
export class UpstreamBulk {
  constructor(
    private readonly upstreams: UpstreamService,
    private readonly dataSource: DataSource,
    private readonly audit: AuditWriter,
  ) {}

  run(servers: ReadonlyArray<{ readonly id: string; readonly name: string }>, action: BulkAction, actor: string, origin: RequestOrigin): Promise<ServerBulkOutcome[]> {
    return inBatches(servers, BULK_CONCURRENCY, async (server): Promise<ServerBulkOutcome> => {
      try {
        if (action === 'disconnect') return { serverId: server.id, name: server.name, outcome: 'disconnected', status: (await this.upstreams.disconnect(server.id, actor, origin)).status };
        const now = await this.upstreams.connect(server.id, actor, origin);
        return now.status === 'connected'
          ? { serverId: server.id, name: server.name, outcome: 'connected', status: now.status, toolCount: now.tools.length }
          : { serverId: server.id, name: server.name, outcome: 'failed', status: now.status, error: now.lastError ?? 'not connected' };
      } catch (error) {
        // Deleted meanwhile, or unreachable (502): said for this server, and the others go on.
        const status = await this.upstreams.get(server.id).then((now) => now.status, () => 'disconnected' as const);
        return { serverId: server.id, name: server.name, outcome: 'failed', status, error: error instanceof Error ? error.message : String(error) };
      }
    });
  }

  /** The servers named by id, all of them known (404 naming the unknown ones, before anything is done). */
  async forIds(serverIds: readonly string[], action: BulkAction, actor: string, origin: RequestOrigin): Promise<ServerBulkResult> {
    const servers = await this.dataSource.getRepository(UpstreamServerEntity).find({ select: { id: true, name: true }, where: { id: In([...serverIds]) }, order: { name: 'ASC' } });
    const unknown = serverIds.filter((id) => !servers.some((server) => server.id === id));
    if (unknown.length > 0) throw ApiError.notFound(`Upstream server${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`);
    const results = await this.run(servers, action, actor, origin);
    const failed = results.filter((result) => result.outcome === 'failed');
    await this.audit.record({
      action: `upstream.bulk.${action}`,
      result: failed.length === 0 ? 'success' : 'failure',
      userId: actor,
      resource: 'upstream',
      details: { servers: results.map((result) => result.name), failed: failed.map((result) => result.name) },
      origin,
    });
    return { action, results, summary: { total: results.length, succeeded: results.length - failed.length, failed: failed.length } };
  }
}
