import { Body, Headers, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiExtraModels, ApiHeader, getSchemaPath } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AdminController, Roles } from 'src/auth/auth.decorators';
import { CalloutsService } from './callouts.service';
import { CalloutResponse } from './dto/callout.response';
import { ConferenceCalloutDto } from 'src/callouts/dto/conference-callout.dto';
import { CustomCalloutDto } from 'src/callouts/dto/custom-callout.dto';
import { TtsCalloutDto } from 'src/callouts/dto/tts-callout.dto';
import { type CreateCalloutDto } from 'src/callouts/dto/create-callout.dto';
import { CreateCalloutPipe } from './dto/create-callout.pipe';
import { IDEMPOTENCY_HEADER } from 'src/common/idempotency/idempotency.service';

@AdminController('callouts', 'callouts')
@ApiExtraModels(TtsCalloutDto, ConferenceCalloutDto, CustomCalloutDto)
export class CalloutsController {
  constructor(private readonly callouts: CalloutsService) {}

  @Post()
  @Roles('admin', 'supervisor')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiBody({
    schema: {
      oneOf: [getSchemaPath(TtsCalloutDto), getSchemaPath(ConferenceCalloutDto), getSchemaPath(CustomCalloutDto)].map(($ref) => ({ $ref })),
      discriminator: { propertyName: 'type' },
    },
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Repeat a request safely: the same key answers the first answer' })
  @ApiAcceptedResponse({ type: CalloutResponse, description: 'Queued; the call is placed at the configured pace' })
  @ApiBadRequestResponse({ description: 'A field breaks a rule (details name the field and the rule)' })
  @ApiConflictResponse({ description: 'The Idempotency-Key was used with another body' })
  create(
    @Body(CreateCalloutPipe) body: CreateCalloutDto,
    @Headers(IDEMPOTENCY_HEADER) idempotencyKey: string | undefined,
    @Req() request: FastifyRequest,
  ): Promise<CalloutResponse> {
    return this.callouts.create(body, idempotencyKey, String(request.id));
  }
}
