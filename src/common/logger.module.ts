import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Module } from '@nestjs/common';
import { LoggerModule as PinoLoggerModule } from 'nestjs-pino';
import { AppConfig } from 'src/config/app-config';

// Paths pino blanks out wherever they appear in a log line: credentials, signatures and full phone numbers.
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.applicationSecret',
  '*.apiKey',
  '*.key',
];

export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
}

@Module({
  imports: [
    PinoLoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.logLevel,
          genReqId: (request) => requestIdFor(request),
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          customProps: () => ({ role: config.role }),
          // Health probes and scrapes would drown the log.
          autoLogging: { ignore: (request) => /^\/(health|metrics)/.test(request.url ?? '') },
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
          },
        },
      }),
    }),
  ],
})
export class LoggerModule {}
