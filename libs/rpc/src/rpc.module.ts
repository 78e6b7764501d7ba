import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { RpcRegistry } from './rpc-registry';

/** The registry every lib adds its methods to; the doors (/ws, /mcp) dispatch through it. */
@Global()
@Module({ providers: [RpcRegistry], exports: [RpcRegistry] })
export class RpcModule implements OnModuleInit {
  constructor(private readonly rpc: RpcRegistry) {}

  onModuleInit(): void {
    this.rpc.register('ping', { handle: () => ({}) });
    // The client gave up on a request of its own: the run behind it stops, and it gets no response.
    this.rpc.register('notifications/cancelled', {
      params: { type: 'object', required: ['requestId'], properties: { requestId: { type: ['string', 'integer'] }, reason: { type: 'string', maxLength: 1000 } } },
      handle: (params, context) => {
        const requestId = params.requestId as string | number;
        const reason = typeof params.reason === 'string' ? params.reason : '';
        if (!context.sessionId || !context.inFlight?.cancel(context.sessionId, requestId, reason)) context.cancelElsewhere?.(requestId, reason);
        return {};
      },
    });
  }
}
