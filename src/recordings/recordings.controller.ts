import { Body, Delete, Get, HttpCode, HttpException, HttpStatus, Param, Post, Put, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiPartialContentResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedRequest } from 'src/auth/api-key.guard';
import type { AuthenticatedKey } from 'src/auth/api-keys.service';
import { AdminController, Roles } from 'src/auth/auth.decorators';
import { invalidField, uuidParam } from 'src/common/validation';
import { RecordingPolicies } from './recording-policies.service';
import {
  AccessLogQueryDto,
  LegalHoldDto,
  ListRecordingsQueryDto,
  PolicyParamsDto,
  PutPolicyDto,
  StartRecordingDto,
  type RecordingResponse,
} from './recordings.dto';
import { RangeNotSatisfiable, RecordingsService } from './recordings.service';

function keyOf(req: AuthenticatedRequest): AuthenticatedKey {
  // The global guard has authenticated every route here.
  return req.apiKey as AuthenticatedKey;
}

// The reporting role reads metadata only: no transcript, no media.
function forRole(r: RecordingResponse, key: AuthenticatedKey): RecordingResponse {
  return key.role === 'reporting' ? { ...r, transcript: null } : r;
}

@AdminController('recordings', 'recordings')
@Roles('admin', 'supervisor', 'reporting')
export class RecordingsController {
  constructor(
    private readonly recordings: RecordingsService,
    private readonly policies: RecordingPolicies,
  ) {}

  @Get()
  @ApiOkResponse({ description: 'Recording segments, newest first: { items, nextCursor }' })
  async list(@Query() query: ListRecordingsQueryDto, @Req() req: AuthenticatedRequest) {
    const page = await this.recordings.list(query);
    return { ...page, items: page.items.map((r) => forRole(r, keyOf(req))) };
  }

  @Get('access-log')
  @Roles('admin')
  @ApiOkResponse({ description: 'Who listened to, erased or held which recording, newest first' })
  accessLog(@Query() query: AccessLogQueryDto) {
    return this.recordings.accessLog(query);
  }

  @Get('policies')
  @Roles('admin', 'supervisor')
  @ApiOkResponse({ description: 'Recording policies per target, and the global default' })
  listPolicies() {
    return { default: this.policies.effective([]), policies: this.policies.list() };
  }

  @Put('policies/:targetType/:targetId')
  @Roles('admin')
  @ApiNotFoundResponse({ description: 'No such target' })
  putPolicy(@Param() params: PolicyParamsDto, @Body() body: PutPolicyDto) {
    if (body.optOut && body.mode !== 'consent') {
      throw invalidField('optOut', 'consent_only', 'optOut is for consent policies only (mode consent)');
    }
    return this.policies.put(
      { type: params.targetType, id: params.targetId },
      {
        mode: body.mode,
        optOut: body.optOut ?? false,
        notice: body.notice ?? null,
        retentionDays: body.retentionDays ?? null,
        transcribe: body.transcribe ?? false,
      },
    );
  }

  @Delete('policies/:targetType/:targetId')
  @Roles('admin')
  @HttpCode(204)
  async deletePolicy(@Param() params: PolicyParamsDto): Promise<void> {
    await this.policies.remove({ type: params.targetType, id: params.targetId });
  }

  @Get(':id')
  @ApiOkResponse({ description: 'The segment with its timeline' })
  @ApiNotFoundResponse({ description: 'No such recording' })
  async get(@Param('id', uuidParam('id')) id: string, @Req() req: AuthenticatedRequest) {
    const r = await this.recordings.get(id);
    return { ...forRole(r, keyOf(req)), timeline: r.timeline };
  }

  @Get(':id/media')
  @Roles('admin', 'supervisor')
  @ApiOkResponse({ description: 'The audio (audio/wav or audio/mpeg); Range requests answer 206' })
  @ApiPartialContentResponse({ description: 'The byte range asked for' })
  @ApiNotFoundResponse({ description: 'No such recording, or erased' })
  @ApiConflictResponse({ description: 'Not available (still recording, failed or missing)' })
  async media(
    @Param('id', uuidParam('id')) id: string,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    try {
      const media = await this.recordings.media(id, req.headers.range, keyOf(req));
      reply.status(media.status);
      for (const [name, value] of Object.entries(media.headers)) reply.header(name, value);
      return new StreamableFile(media.body, { type: media.headers['content-type'], length: Number(media.headers['content-length']) });
    } catch (error) {
      if (!(error instanceof RangeNotSatisfiable)) throw error;
      reply.header('content-range', `bytes */${error.size}`);
      throw new HttpException({ statusCode: 416, error: 'Range Not Satisfiable', message: error.message }, HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
    }
  }

  @Delete(':id')
  @Roles('admin')
  @ApiOkResponse({ description: 'The tombstone: media and transcript erased, metadata kept' })
  @ApiConflictResponse({ description: 'Already erased, on legal hold, or not delivered yet' })
  async erase(@Param('id', uuidParam('id')) id: string, @Req() req: AuthenticatedRequest) {
    return this.recordings.erase(id, keyOf(req));
  }

  @Put(':id/legal-hold')
  @Roles('admin')
  setHold(@Param('id', uuidParam('id')) id: string, @Body() body: LegalHoldDto, @Req() req: AuthenticatedRequest) {
    return this.recordings.setHold(id, body.hold, keyOf(req));
  }
}

// On-demand recording of a live call, and a legal hold over all of a call's recordings.
@AdminController('calls', 'recordings')
@Roles('admin', 'supervisor')
export class CallRecordingController {
  constructor(private readonly recordings: RecordingsService) {}

  @Post(':id/recording/start')
  @HttpCode(202)
  @ApiConflictResponse({ description: 'The call has ended, is not answered yet, or already records' })
  start(@Param('id', uuidParam('id')) id: string, @Body() body: StartRecordingDto, @Req() req: AuthenticatedRequest) {
    return this.recordings.start(id, body, keyOf(req));
  }

  @Post(':id/recording/stop')
  @HttpCode(202)
  @ApiConflictResponse({ description: 'The call has ended or is not being recorded' })
  stop(@Param('id', uuidParam('id')) id: string, @Req() req: AuthenticatedRequest) {
    return this.recordings.stop(id, keyOf(req));
  }

  @Put(':id/recording/legal-hold')
  @Roles('admin')
  setHold(@Param('id', uuidParam('id')) id: string, @Body() body: LegalHoldDto, @Req() req: AuthenticatedRequest) {
    return this.recordings.setCallHold(id, body.hold, keyOf(req));
  }
}
