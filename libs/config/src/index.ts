export { AppConfig, ConfigError, loadConfig, parseConfig, secretKeysFrom } from './app-config';
export type { DatabaseTarget, LogLevel, RateLimitRule, SamlConfig, SecretKeys, TracingConfig, VaultAuth, VaultConfig, MailConfig } from './app-config';
export { ConfigModule } from './config.module';
export { parseServerTemplates } from './server-templates';
export type { ServerTemplateConfig, TemplatePlaceholder, TemplateTransport } from './server-templates';
