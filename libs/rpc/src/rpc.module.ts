import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { RpcRegistry } from './rpc-registry';

/** The registry every lib adds its methods to; the doors (/ws, /mcp) dispatch through it. */
@Global()
@Module({ providers: [RpcRegistry], exports: [RpcRegistry] })
export class RpcModule implements OnModuleInit {
  constructor(private readonly rpc: RpcRegistry) {}

  onModuleInit(): void {
    this.rpc.register('ping', { handle: () => ({}) });
  }
}
