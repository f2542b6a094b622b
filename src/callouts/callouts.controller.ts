import { Body, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiExtraModels,
  ApiHeader,
  ApiOperation,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AdminController, Idempotency, Roles } from 'src/auth/auth.decorators';
import { CalloutsService } from './callouts.service';
import { CalloutResponse } from './dto/callout.response';
import { ConferenceCalloutDto } from 'src/callouts/dto/conference-callout.dto';
import { CustomCalloutDto } from 'src/callouts/dto/custom-callout.dto';
import { TtsCalloutDto } from 'src/callouts/dto/tts-callout.dto';
import { type CreateCalloutDto } from 'src/callouts/dto/create-callout.dto';
import { CreateCalloutPipe } from './dto/create-callout.pipe';
import { CalloutBatchPipe, MAX_BATCH_CALLS } from './dto/callout-batch.pipe';
import { CalloutBatchResponse } from './dto/callout-batch.response';
import type { IdempotencyOf } from 'src/common/idempotency/idempotency.service';

const ONE_CALLOUT = {
  oneOf: [getSchemaPath(TtsCalloutDto), getSchemaPath(ConferenceCalloutDto), getSchemaPath(CustomCalloutDto)].map(($ref) => ({ $ref })),
  discriminator: { propertyName: 'type' },
};
const IDEMPOTENCY_KEY_HEADER = { name: 'Idempotency-Key', required: false, description: 'Repeat a request safely: the same key answers the first answer' };

@AdminController('callouts', 'callouts')
@ApiExtraModels(TtsCalloutDto, ConferenceCalloutDto, CustomCalloutDto)
export class CalloutsController {
  constructor(private readonly callouts: CalloutsService) {}

  @Post()
  @Roles('admin', 'supervisor')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiBody({ schema: ONE_CALLOUT })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiAcceptedResponse({ type: CalloutResponse, description: 'Queued; the call is placed at the configured pace' })
  @ApiBadRequestResponse({ description: 'A field breaks a rule (details name the field and the rule)' })
  @ApiConflictResponse({
    description:
      'The Idempotency-Key was used with another body, or `budget_exhausted`: a global budget with pauseAtLimit is spent for its period (a replay of an accepted key still gets its stored answer)',
  })
  create(@Body(CreateCalloutPipe) body: CreateCalloutDto, @Idempotency() idempotency: IdempotencyOf, @Req() request: FastifyRequest): Promise<CalloutResponse> {
    return this.callouts.create(body, idempotency, String(request.id));
  }

  @Post('batch')
  @Roles('admin', 'supervisor')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: `Many callouts in one request (1 to ${MAX_BATCH_CALLS})`,
    description:
      'Each item is validated as POST /api/v1/callouts validates its body; any invalid item refuses the whole batch (400, `details` name `calls[i].field`, nothing stored). ' +
      'The valid batch is written in one transaction, then queued: one result per item, in order, `queued` or `refused` by compliance (do-not-call, frequency cap).',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['calls'],
      additionalProperties: false,
      properties: { calls: { type: 'array', minItems: 1, maxItems: MAX_BATCH_CALLS, items: ONE_CALLOUT } },
    },
  })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiAcceptedResponse({ type: CalloutBatchResponse, description: 'Queued (each accepted call is placed at the configured pace); refused items named' })
  @ApiBadRequestResponse({ description: 'An item breaks a rule (details name calls[i].field and the rule); nothing was stored' })
  @ApiConflictResponse({
    description:
      'The Idempotency-Key was used with another body, or `budget_exhausted`: a global budget with pauseAtLimit is spent for its period (a replay of an accepted key still gets its stored answer)',
  })
  createBatch(
    @Body(CalloutBatchPipe) calls: CreateCalloutDto[],
    @Idempotency() idempotency: IdempotencyOf,
    @Req() request: FastifyRequest,
  ): Promise<CalloutBatchResponse> {
    return this.callouts.createBatch(calls, idempotency, String(request.id));
  }
}
