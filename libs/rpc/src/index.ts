export { errorResponse, INTERNAL_ERROR, isResponse, INVALID_PARAMS, INVALID_REQUEST, METHOD_NOT_FOUND, PARSE_ERROR, RpcError, toRpcError } from './json-rpc';
export type { JsonRpcErrorObject, JsonRpcId, JsonRpcRequest, JsonRpcResponse, RpcContext } from './json-rpc';
export { isSupportedProtocolVersion, LATEST_PROTOCOL_VERSION, negotiateProtocolVersion, SUPPORTED_PROTOCOL_VERSIONS } from './mcp-protocol';
export { RpcModule } from './rpc.module';
export { RpcRegistry } from './rpc-registry';
export type { RpcMethod } from './rpc-registry';
export { InFlightRequests, RequestCancellation } from './in-flight-requests';
