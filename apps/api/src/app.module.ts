import { AdminModule, PasswordSetupTokenEntity } from '@app/admin';
import { AuditLogEntity, AuditModule } from '@app/audit';
import { ApiKeyEntity, AuthModule, AuthorizationCodeEntity, EmailVerificationTokenEntity, OAuthClientEntity, OAuthSsoRequestEntity, RefreshTokenEntity, UserEntity } from '@app/auth';
import { type AppConfig, ConfigModule } from '@app/config';
import { ContractsModule } from '@app/contracts';
import { DatabaseModule } from '@app/database';
import { EventsModule } from '@app/events';
import { HealthModule } from '@app/health';
import { MailModule } from '@app/mail';
import { SecurityModule } from '@app/security';
import { ContextEntity, ContextsModule } from '@app/contexts';
import { OrganizationEntity, OrganizationMemberEntity, OrganizationsModule } from '@app/organizations';
import { RealtimeModule } from '@app/realtime';
import { RpcModule } from '@app/rpc';
import { SessionEntity, SessionsModule } from '@app/sessions';
import { FavoriteToolEntity, HttpToolEntity, ServerGroupEntity, TOOL_EXECUTION_TOTALS, ToolExecutionEntity, ToolSettingEntity, ToolsModule, UpstreamOrganizationConfigEntity, UpstreamServerEntity, UpstreamUserConfigEntity } from '@app/tools';
import { WebhookDeliveryEntity, WebhookEntity, WebhooksModule } from '@app/webhooks';
import { type DynamicModule, Module } from '@nestjs/common';

/** Composition only: every capability lives in its lib. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot({ entities: [AuditLogEntity, UserEntity, SessionEntity, RefreshTokenEntity, ApiKeyEntity, ToolExecutionEntity, UpstreamServerEntity, UpstreamUserConfigEntity, UpstreamOrganizationConfigEntity, ToolSettingEntity, HttpToolEntity, ServerGroupEntity, FavoriteToolEntity, ContextEntity, WebhookEntity, WebhookDeliveryEntity, PasswordSetupTokenEntity, EmailVerificationTokenEntity, OAuthClientEntity, AuthorizationCodeEntity, OAuthSsoRequestEntity, OrganizationEntity, OrganizationMemberEntity], rollups: [TOOL_EXECUTION_TOTALS] }),
        EventsModule,
        MailModule,
        AuditModule,
        SecurityModule,
        HealthModule,
        ContractsModule,
        AuthModule,
        SessionsModule,
        RpcModule,
        ToolsModule,
        ContextsModule,
        RealtimeModule,
        WebhooksModule,
        AdminModule,
        OrganizationsModule,
      ],
    };
  }
}
