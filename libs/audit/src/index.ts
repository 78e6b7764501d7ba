export { AuditLogEntity } from './audit-log.entity';
export type { AuditResult, AuditSeverity } from './audit-log.entity';
export { AuditModule } from './audit.module';
export { AuditWriter } from './audit.writer';
export type { AuditEntry } from './audit.writer';
