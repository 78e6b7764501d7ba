import { ApiError } from '@app/common';
import type { AuthenticatedUser } from '@app/security';
import { type RunPolicy, RunPolicies } from '@app/tools';
import { Injectable } from '@nestjs/common';
import { ContextsService } from './contexts.service';

/** The engine's view of a context: which tools, how long, how many retries. */
@Injectable()
export class ContextRunPolicies extends RunPolicies {
  constructor(private readonly contexts: ContextsService) {
    super();
  }

  async forContext(caller: AuthenticatedUser, contextId: string): Promise<RunPolicy> {
    const context = await this.contexts.owned(caller, contextId);
    if (context.status === 'archived') throw new ApiError(412, 'PRECONDITION_FAILED', `Context '${context.name}' is archived and cannot be used for runs`);
    const retry = context.settings.retryPolicy;
    return {
      contextId: context.id,
      allowedToolIds: new Set(context.tools),
      maxExecutionTimeMs: context.settings.maxExecutionTime,
      ...(retry && (retry.maxRetries ?? 0) > 0 ? { retry: { maxRetries: retry.maxRetries ?? 0, backoffMultiplier: retry.backoffMultiplier ?? 2 } } : {}),
    };
  }
}
