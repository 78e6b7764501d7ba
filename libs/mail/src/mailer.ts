import { isLoopbackHost } from '@app/common';
import { AppConfig } from '@app/config';
import { MetricsService } from '@app/health';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';

export interface Mail {
  /** What it is for, as counted in mcp_mail_sent_total{kind}. */
  readonly kind: 'verification' | 'password_reset';
  readonly to: string;
  readonly subject: string;
  /** Plain text: what we send carries links and codes, nothing that needs HTML. */
  readonly text: string;
}

// A mail server that does not answer must not hold a request (or a shutdown) for long.
const SMTP_TIMEOUT_MS = 10_000;

/** Mail over SMTP (SMTP_URL), from MAIL_FROM; `configured` is false without them, and then nothing is sent. */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly logger = new Logger('Mailer');
  private transport?: Transporter;

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  get configured(): boolean {
    return this.config.mail !== undefined;
  }

  /** Where links in mails point (MAIL_LINK_BASE, else PUBLIC_URL). */
  link(page: string, token: string): string {
    const base = this.config.mail?.linkBase ?? this.config.publicUrl;
    return `${base}/${page}?token=${encodeURIComponent(token)}`;
  }

  /** Sends one mail; rejects when the server refuses it or cannot be reached (the message says why, never the SMTP password). */
  async send(mail: Mail): Promise<void> {
    const settings = this.config.mail;
    if (!settings) throw new Error('mail is not configured (SMTP_URL)');
    this.transport ??= smtpTransport(settings.smtpUrl, settings.from);
    try {
      await this.transport.sendMail({ to: mail.to, subject: mail.subject, text: mail.text });
      this.metrics.mailSent.labels(mail.kind, 'sent').inc();
    } catch (error) {
      this.metrics.mailSent.labels(mail.kind, 'failed').inc();
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(`a mail to ${mail.to} was not sent: ${reason}`);
      throw new Error(`the mail was not sent: ${reason}`);
    }
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}

/**
 * smtp://user:password@host:port, upgraded with STARTTLS, which is required: without it the
 * password and the mailed tokens would cross the network in clear (a server on this machine, or
 * `?starttls=optional` for a relay that has none, may go without); or smtps:// (TLS from the start).
 */
export function smtpOptions(smtpUrl: string): SMTPTransport.Options {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  const plainAllowed = isLoopbackHost(url.hostname) || url.searchParams.get('starttls') === 'optional';
  return {
      // Node connects to an IPv6 address without the brackets URLs put around it.
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      secure,
      requireTLS: !secure && !plainAllowed,
      ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
      connectionTimeout: SMTP_TIMEOUT_MS,
      greetingTimeout: SMTP_TIMEOUT_MS,
      socketTimeout: SMTP_TIMEOUT_MS,
  };
}

function smtpTransport(smtpUrl: string, from: string): Transporter {
  return createTransport(smtpOptions(smtpUrl), { from });
}
