import { Module } from '@nestjs/common';
import { AdminUsersController, PasswordSetupController } from './admin-users.controller';
import { AdminUsersService } from './admin-users.service';
import { AuditLogsController } from './audit-logs.controller';
import { AuditLogsService } from './audit-logs.service';
import { AuditRetention } from './audit-retention';
import { SecretsController } from './secrets.controller';
import { SecretsRotation } from './secrets-rotation.service';

@Module({
  controllers: [AdminUsersController, PasswordSetupController, AuditLogsController, SecretsController],
  providers: [AdminUsersService, AuditLogsService, AuditRetention, SecretsRotation],
})
export class AdminModule {}
