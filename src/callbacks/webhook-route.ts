import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CallbackIntake } from 'src/callbacks/callback-intake.service';
import { replyWithError } from 'src/common/all-exceptions.filter';
import { parseCappedJson } from 'src/common/json-body';
import { WEBHOOK_PATH } from 'src/sinch/sinch.module';

type WebhookRequest = FastifyRequest & { rawBody?: Buffer };

// The Sinch webhook as a plain Fastify route on the application's server, outside Nest's router (why:
// docs/decisions/0007-webhook-fast-path.md). It carries its own signature check (CallbackIntake, over the raw bytes,
// with the failed-signature limit), its own body parsing (encapsulated: parsers set on the root instance do not
// apply here, and this one applies nowhere else) and answers errors through the exception filter's own function.
//
// The hooks the factory adds before calling this (metrics, x-request-id, the worker role's 404) apply to it; the
// request-logging middleware excludes it (src/common/logger.module.ts).
export async function registerWebhookRoute(app: NestFastifyApplication): Promise<void> {
  const intake = app.get(CallbackIntake);
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  await fastify.register(async (instance) => {
    instance.removeAllContentTypeParsers();
    // Fastify's own JSON parser (proto-poisoning refused, same error messages) under the API's depth cap, fed the
    // bytes kept for the signature.
    const json = instance.getDefaultJsonParser('error', 'error');
    instance.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, raw, done) => {
      (request as WebhookRequest).rawBody = raw as Buffer;
      parseCappedJson(json, request, raw as Buffer, done);
    });
    instance.setErrorHandler((error, request, reply) => replyWithError(error, request, reply));
    instance.post(WEBHOOK_PATH, async (request: WebhookRequest, reply) => {
      const answer = await intake.handle({ ip: request.ip, method: request.method, headers: request.headers, rawBody: request.rawBody, body: request.body });
      return answer === undefined ? reply.status(200).send() : reply.status(200).send(answer);
    });
  });
}

// The route's OpenAPI entry (Nest's Swagger scan sees controllers only).
export const WEBHOOK_OPENAPI = {
  post: {
    tags: ['webhooks'],
    operationId: 'SinchWebhook_receive',
    summary: 'Sinch Voice callbacks (ICE, ACE, PIE, DiCE, Notify), signed by Sinch',
    security: [],
    requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
    responses: {
      '200': { description: 'ICE / ACE / PIE: the SVAML answer. DiCE / Notify: an empty body' },
      '400': { description: 'A signed body that is not a callback event; names the field; nothing was stored' },
      '401': { description: 'Missing, wrong or stale Sinch signature; nothing was stored' },
      '429': { description: 'Too many bad signatures from this address (Retry-After); a valid signature is never refused' },
      '503': { description: 'Neither Postgres nor Redis can record the event now' },
    },
  },
};
