export { SessionActivity } from './session-activity';
export { SessionEntity } from './session.entity';
export type { ConnectionType, SessionStatus } from './session.entity';
export { SessionsModule } from './sessions.module';
export { SessionsService, sessionView } from './sessions.service';
export type { StartSession } from './sessions.service';
