import { type LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import { REDACTED, redactSecrets } from '../redact';

/** The one structured JSON logger: Fastify's request logger and Nest's logger share it. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'secure-mcp' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]'],
      censor: REDACTED,
    },
    // Deep key-name redaction for anything a caller logs as an object.
    formatters: { log: (object) => redactSecrets(object) },
    serializers: { err: pino.stdSerializers.err },
  });
}

/** Nest's LoggerService over pino, so framework messages come out as the same JSON lines. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }

  error(message: unknown, stackOrContext?: string, context?: string): void {
    this.write('error', message, context ?? stackOrContext);
  }

  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }

  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }

  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }

  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, context?: string): void {
    if (typeof message === 'object' && message !== null) {
      this.logger[level]({ context, ...(message as Record<string, unknown>) });
    } else {
      this.logger[level]({ context }, String(message));
    }
  }
}
