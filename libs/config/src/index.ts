export { AppConfig, ConfigError, loadConfig, parseConfig } from './app-config';
export type { DatabaseTarget, LogLevel, RateLimitRule, SamlConfig } from './app-config';
export { ConfigModule } from './config.module';
export type { ServerTemplateConfig, TemplatePlaceholder, TemplateTransport } from './server-templates';
