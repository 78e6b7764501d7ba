export { MailModule } from './mail.module';
export { Mailer, smtpOptions } from './mailer';
export type { Mail } from './mailer';
