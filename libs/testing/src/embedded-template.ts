import { ALL_MIGRATIONS, createDataSource, EmbeddedPostgres, migrate } from '@app/database';

/**
 * Writes a tarball of an embedded cluster with every migration applied. Memory databases started
 * from it (`{ kind: 'memory', template }`) skip making a cluster (about 3 s of WebAssembly each)
 * and migrating it; the migrations themselves still run here, once per test run.
 */
export async function writeMigratedTemplate(file: string): Promise<void> {
  const embedded = await EmbeddedPostgres.start();
  let migrated = false;
  try {
    const dataSource = createDataSource({ target: { kind: 'memory' }, embedded, entities: [], migrations: ALL_MIGRATIONS });
    await dataSource.initialize();
    try {
      await migrate(dataSource, { kind: 'memory' });
      migrated = true;
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await embedded.stop(migrated ? { dumpTo: file } : {});
  }
}
