import { Module } from '@nestjs/common';
import { AdminUsersController, PasswordSetupController } from './admin-users.controller';
import { AdminUsersService } from './admin-users.service';
import { AuditLogsController } from './audit-logs.controller';
import { AuditLogsService } from './audit-logs.service';
import { AuditRetention } from './audit-retention';

@Module({
  controllers: [AdminUsersController, PasswordSetupController, AuditLogsController],
  providers: [AdminUsersService, AuditLogsService, AuditRetention],
})
export class AdminModule {}
