export { MailModule } from './mail.module';
export { Mailer } from './mailer';
export type { Mail } from './mailer';
