export { RealtimeModule } from './realtime.module';
export { RpcWsAdapter } from './ws/rpc-ws.adapter';
export { WsUpgradeGate } from './ws/ws-upgrade.gate';
