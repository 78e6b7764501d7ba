export { SessionEntity } from './session.entity';
export type { ConnectionType, SessionStatus } from './session.entity';
export { SessionsModule } from './sessions.module';
export { SessionsService } from './sessions.service';
export type { StartSession } from './sessions.service';
