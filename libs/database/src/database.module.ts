import { AppConfig } from '@app/config';
import { type DynamicModule, Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntitySchema, type MixedList } from 'typeorm';
import { createDataSource, migrate, queryTimeoutFor } from './data-source.factory';
import { DatabaseService } from './database.service';
import { EmbeddedPostgres } from './embedded-postgres';
import { RedisService } from './redis.service';
import { AppendLog } from './append-log';
import { ALL_MIGRATIONS } from './migrations';

export interface DatabaseModuleOptions {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities: MixedList<Function | string | EntitySchema>;
}

const EMBEDDED = Symbol('EMBEDDED_POSTGRES');

/** Closes the pool before the embedded server it talks to. */
@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');

  constructor(
    private readonly dataSource: DataSource,
    @Inject(EMBEDDED) private readonly embedded: EmbeddedPostgres | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    if (this.embedded) await this.embedded.stop();
    this.logger.log('database closed');
  }
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: EMBEDDED,
          inject: [AppConfig],
          useFactory: async (config: AppConfig): Promise<EmbeddedPostgres | null> => {
            const target = config.database;
            if (target.kind === 'postgres') return null;
            return EmbeddedPostgres.start(target.kind === 'embedded' ? target.dataDir : undefined);
          },
        },
        {
          provide: DataSource,
          inject: [AppConfig, EMBEDDED],
          useFactory: async (config: AppConfig, embedded: EmbeddedPostgres | null): Promise<DataSource> => {
            const dataSource = createDataSource({
              target: config.database,
              embedded: embedded ?? undefined,
              entities: options.entities,
              migrations: ALL_MIGRATIONS,
              poolMax: config.databasePoolMax,
              queryTimeoutMs: queryTimeoutFor(config.requestTimeoutMs),
            });
            await dataSource.initialize();
            await migrate(dataSource, config.database);
            return dataSource;
          },
        },
        DatabaseLifecycle,
        DatabaseService,
        RedisService,
        AppendLog,
      ],
      exports: [DataSource, DatabaseService, RedisService, AppendLog],
    };
  }
}
