import { Module } from '@nestjs/common';
import { AdminUsersController, PasswordSetupController } from './admin-users.controller';
import { AdminUsersService } from './admin-users.service';
import { AuditLogsController } from './audit-logs.controller';
import { AuditLogsService } from './audit-logs.service';
import { UserTokenFloors } from './user-token-floors';

@Module({
  controllers: [AdminUsersController, PasswordSetupController, AuditLogsController],
  providers: [AdminUsersService, AuditLogsService, UserTokenFloors],
})
export class AdminModule {}
