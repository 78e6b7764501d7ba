import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { PasswordHasher } from './password.hasher';
import { UsersService } from './users.service';

@Module({
  controllers: [AuthController],
  providers: [PasswordHasher, UsersService],
  exports: [PasswordHasher, UsersService],
})
export class AuthModule {}
