export { ContextEntity } from './context.entity';
export type { ContextSettingsValue, ContextStatus } from './context.entity';
export { ContextsModule } from './contexts.module';
export { contextView, ContextsService } from './contexts.service';
