import { loadConfig } from '@app/config';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { writeMigratedTemplate } from './embedded-template';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated embedded cluster every memory database of this run starts from (none on PostgreSQL). */
    embeddedTemplate: string | undefined;
  }
}

/** Once per test run: on the embedded database, one migrated cluster for every test app to start from. */
export default async function setup(project: TestProject): Promise<() => void> {
  if (loadConfig().database.kind === 'postgres') {
    project.provide('embeddedTemplate', undefined);
    return () => undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'smcp-template-'));
  const file = join(dir, 'migrated.tar');
  await writeMigratedTemplate(file);
  project.provide('embeddedTemplate', file);
  return () => rmSync(dir, { recursive: true, force: true });
}
