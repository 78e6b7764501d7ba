import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

export interface OpenApiDocument {
  readonly yaml: string;
  readonly json: Record<string, unknown>;
  readonly path: string;
}

// From libs/contracts/src in the source tree, or dist/libs/contracts/src once built.
const CANDIDATES = [resolve(__dirname, '../../../openapi/openapi.yaml'), resolve(__dirname, '../../../../openapi/openapi.yaml')];

let cached: OpenApiDocument | undefined;

/** The contract file, read once per process. */
export function loadOpenApiDocument(): OpenApiDocument {
  if (cached) return cached;
  const path = CANDIDATES.find((candidate) => existsSync(candidate));
  if (!path) throw new Error(`openapi/openapi.yaml not found (looked in ${CANDIDATES.join(', ')})`);
  const yaml = readFileSync(path, 'utf8');
  cached = { yaml, json: parse(yaml) as Record<string, unknown>, path };
  return cached;
}
