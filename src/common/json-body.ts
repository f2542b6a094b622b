import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RawServerDefault } from 'fastify';
import { invalidInput, MAX_JSON_DEPTH } from 'src/common/validation';

// True when the JSON text nests objects/arrays deeper than `max`; a byte scan, so a hostile body never reaches a
// recursive parser or validator. Brackets inside strings do not count.
export function jsonNestsDeeperThan(bytes: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === 0x5c)
        i++; // backslash: skip the escaped character
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > max) return true;
    } else if (byte === 0x7d || byte === 0x5d) {
      depth--;
    }
  }
  return false;
}

// The only JSON parser (application/json; nothing else is parsed but the import's text/csv): size capped by Fastify's
// bodyLimit while buffering, depth capped before parsing, prototype poisoning refused. Nest keeps the exact bytes on
// request.rawBody (rawBody: true), over which the Sinch webhook checks its signature.
export function useJsonBodyParser(app: NestFastifyApplication, bodyLimit: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  const parse = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit }, (request, body, done) => parseCappedJson(parse, request, body, done));
}

// The policy for JSON bytes, shared with the webhook's own parser (src/callbacks/webhook-route.ts).
export function parseCappedJson<R>(
  parse: (request: R, body: string, done: (err: Error | null, body?: unknown) => void) => void,
  request: R,
  body: Buffer,
  done: (err: Error | null, body?: unknown) => void,
): void {
  // No bytes is no body (clients often send the header anyway): the route decides, as when no type is sent.
  if (body.length === 0) {
    done(null, undefined);
    return;
  }
  if (jsonNestsDeeperThan(body, MAX_JSON_DEPTH)) {
    const message = `The body is nested deeper than ${MAX_JSON_DEPTH} levels`;
    done(invalidInput([{ field: 'body', rule: 'maxDepth', message }]), undefined);
    return;
  }
  parse(request, body.toString('utf8'), done);
}
