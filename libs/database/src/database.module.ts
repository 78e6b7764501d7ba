import { AppConfig } from '@app/config';
import { type DynamicModule, Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { DataSource, type EntitySchema, type MixedList } from 'typeorm';
import { createDataSource, migrate, queryTimeoutFor } from './data-source.factory';
import { DatabaseService } from './database.service';
import { EmbeddedPostgres } from './embedded-postgres';
import { RedisService } from './redis.service';
import { AppendJournal } from './append-journal';
import { AppendLog, type AppendRollup } from './append-log';
import { EmbeddedAppendLog } from './embedded-append-log';
import { ALL_MIGRATIONS } from './migrations';
import { PgAppendLog } from './pg-append-log';

export interface DatabaseModuleOptions {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities: MixedList<Function | string | EntitySchema>;
  /** Counts kept beside append-only tables, written with their rows (a journal replay included). */
  readonly rollups?: readonly AppendRollup[];
}

const EMBEDDED = Symbol('EMBEDDED_POSTGRES');

/** Where the embedded database's append journal lives, beside its files. */
function journalDir(config: AppConfig): string | undefined {
  return config.database.kind === 'embedded' ? join(config.database.dataDir, 'append-journal') : undefined;
}

/** Stores the rows a killed process left in the journal, before anything else reads the tables. */
async function replayJournal(config: AppConfig, embedded: EmbeddedPostgres): Promise<void> {
  const dir = journalDir(config);
  if (!dir) return;
  const logger = new Logger('AppendLog');
  const outcome = await AppendJournal.replay(dir, embedded);
  for (const source of outcome.unreadable) logger.warn(`journal line ${source} could not be read (a write cut short when the process was killed); skipped`);
  if (outcome.units > 0) logger.warn(`replayed ${outcome.units} journal unit(s) left by a process that did not stop cleanly`);
  if (outcome.refused > 0) logger.error(`${outcome.refused} replayed row(s) were refused; kept in ${AppendJournal.rejectedFile(dir)}`);
}

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
            if (target.kind === 'embedded') return EmbeddedPostgres.start(target.dataDir, { rollups: options.rollups });
            return EmbeddedPostgres.start(undefined, { rollups: options.rollups, template: target.template });
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
            if (embedded) await replayJournal(config, embedded);
            return dataSource;
          },
        },
        {
          provide: AppendLog,
          inject: [AppConfig, DataSource, EMBEDDED],
          useFactory: (config: AppConfig, dataSource: DataSource, embedded: EmbeddedPostgres | null): AppendLog => {
            if (!embedded) return new PgAppendLog(dataSource, options.rollups);
            const dir = journalDir(config);
            return new EmbeddedAppendLog(embedded, dir ? AppendJournal.open(dir) : null);
          },
        },
        DatabaseLifecycle,
        DatabaseService,
        RedisService,
      ],
      exports: [DataSource, DatabaseService, RedisService, AppendLog],
    };
  }
}
