export { AdminModule } from './admin.module';
export { AdminUsersService } from './admin-users.service';
export { AuditLogsService, auditLogView } from './audit-logs.service';
export { AuditRetention } from './audit-retention';
export { SecretsRotation } from './secrets-rotation.service';
export { csvCell, csvRow } from './csv';
export { PasswordSetupTokenEntity } from './password-setup-token.entity';
