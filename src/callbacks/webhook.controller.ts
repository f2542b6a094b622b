import { Controller, HttpCode, Post, Req, type RawBodyRequest } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiServiceUnavailableResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from 'src/auth/auth.decorators';
import { CallbackIntake } from 'src/callbacks/callback-intake.service';
import { WEBHOOK_PATH } from 'src/sinch/sinch.module';
import type { Svaml } from 'src/sinch/svaml/svaml.types';

// Sinch's own signature is the authentication here, not an API key.
@Public()
@ApiTags('webhooks')
@Controller()
export class WebhookController {
  constructor(private readonly intake: CallbackIntake) {}

  @Post(WEBHOOK_PATH)
  @HttpCode(200)
  @ApiOkResponse({ description: 'ICE / ACE / PIE: the SVAML answer. DiCE / Notify: an empty body' })
  @ApiUnauthorizedResponse({ description: 'Missing, wrong or stale Sinch signature; nothing was stored' })
  @ApiTooManyRequestsResponse({ description: 'Too many bad signatures from this address (AUTH_FAILURES_PER_MINUTE); Retry-After says when to try again' })
  @ApiBadRequestResponse({ description: 'A signed body that is not a callback event; names the field; nothing was stored' })
  @ApiServiceUnavailableResponse({ description: 'Neither Postgres nor Redis can record the event now' })
  receive(@Req() request: RawBodyRequest<FastifyRequest>): Promise<Svaml | undefined> {
    return this.intake.handle({ ip: request.ip, method: request.method, headers: request.headers, rawBody: request.rawBody, body: request.body });
  }
}
