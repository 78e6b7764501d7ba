export { createDataSource, migrate } from './data-source.factory';
export { DatabaseModule } from './database.module';
export type { DatabaseModuleOptions } from './database.module';
export { DatabaseService } from './database.service';
export type { PoolStats } from './database.service';
export { EmbeddedPostgres } from './embedded-postgres';
export { ALL_MIGRATIONS } from './migrations';
export { RedisService } from './redis.service';
export { GroupCommitWriter } from './group-commit.writer';
