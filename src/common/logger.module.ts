import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule as PinoLoggerModule } from 'nestjs-pino';
import { AppConfig } from 'src/config/app-config';

// Paths pino blanks out wherever they appear in a log line: credentials, signatures and full phone numbers.
// A failed query's error carries its parameters (phone numbers, key hashes and prefixes) and Postgres's `detail`
// quotes the row ("Failing row contains (...)", "Key (key_hash)=(...)"): both go; the SQL text and code stay.
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.applicationSecret',
  '*.apiKey',
  '*.credentials',
  '*.key',
  'err.parameters',
  'err.detail',
  'err.where',
  'err.driverError.parameters',
  'err.driverError.detail',
  'err.driverError.where',
  'err.cause.parameters',
  'err.cause.detail',
];

// URLs are logged without their query string: filters carry phone numbers (`?to=+4670...`).
const URL_PATHS = new Set(['req.url', 'url']);

export function withoutQuery(url: unknown): unknown {
  return typeof url === 'string' ? url.split('?')[0] : url;
}

function censor(value: unknown, path: string[]): unknown {
  return URL_PATHS.has(path.join('.')) ? withoutQuery(value) : '[redacted]';
}

export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
}

@Module({
  imports: [
    PinoLoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // The Sinch webhook logs its failures itself and is counted by sinch_callbacks_total; a line per callback
        // would cost more than the callback (docs/decisions/0007-webhook-fast-path.md).
        exclude: [{ method: RequestMethod.POST, path: 'webhooks/sinch/voice' }],
        pinoHttp: {
          level: config.logLevel,
          genReqId: (request) => requestIdFor(request),
          redact: { paths: [...REDACTED_PATHS, ...URL_PATHS], censor },
          customProps: () => ({ role: config.role }),
          // Health probes and scrapes would drown the log.
          autoLogging: { ignore: (request) => /^\/(health|metrics)/.test(request.url ?? '') },
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: withoutQuery(req.url) }),
          },
        },
      }),
    }),
  ],
})
export class LoggerModule {}
