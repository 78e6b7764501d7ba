// GENERATED from openapi/openapi.yaml by scripts/generate-contracts.mjs. Do not edit: run `npm run generate`.
import './accept';
export * from './dto';
export * from './operations';
export * from './types';
