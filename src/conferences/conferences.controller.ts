import { Body, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import type { AuthenticatedRequest } from 'src/auth/api-key.guard';
import { AdminController, Roles } from 'src/auth/auth.decorators';
import { uuidParam } from 'src/common/validation';
import { ConferenceHistory } from './conference-history.service';
import { ConferenceDialOut } from './conference-dial-out.service';
import { ConferenceLive } from './conference-live.service';
import { ConferenceModeration } from './conference-moderation.service';
import { ConferenceRooms } from './conference-rooms.service';
import { AddParticipantsDto } from './dto/add-participants.dto';
import { CreateConferenceRoomDto } from './dto/create-conference-room.dto';
import { HoldDto } from './dto/hold.dto';
import { ListSessionsQueryDto } from './dto/list-sessions.query';
import { UpdateConferenceRoomDto } from './dto/update-conference-room.dto';

const ENDED = 'The conference (or the participant) is no longer in progress';
const keyOf = (request: AuthenticatedRequest): string | null => request.apiKey?.id ?? null;

// Rooms, dial-out, the live view, moderation and history. Admin and supervisor manage and moderate; reporting reads.
@AdminController('conferences', 'conferences')
@Roles('admin', 'supervisor', 'reporting')
export class ConferencesController {
  constructor(
    private readonly rooms: ConferenceRooms,
    private readonly live: ConferenceLive,
    private readonly dialing: ConferenceDialOut,
    private readonly moderation: ConferenceModeration,
    private readonly history: ConferenceHistory,
  ) {}

  @Post()
  @Roles('admin', 'supervisor')
  @HttpCode(HttpStatus.CREATED)
  @ApiCreatedResponse({ description: 'The room (PINs are never shown, only whether they are set)' })
  @ApiConflictResponse({ description: 'Another room uses this Sinch conference id' })
  create(@Body() body: CreateConferenceRoomDto) {
    return this.rooms.create(body);
  }

  @Get()
  @ApiOkResponse({ description: '{ items: rooms, newest first }' })
  list() {
    return this.rooms.list();
  }

  @Get(':id')
  @ApiOkResponse({ description: 'The room, its session in progress and its participants, checked against Sinch' })
  @ApiNotFoundResponse({ description: 'No such room' })
  view(@Param('id', uuidParam('id')) id: string) {
    return this.live.view(id);
  }

  @Patch(':id')
  @Roles('admin', 'supervisor')
  @ApiOkResponse({ description: 'The room with its new settings' })
  update(@Param('id', uuidParam('id')) id: string, @Body() body: UpdateConferenceRoomDto) {
    return this.rooms.update(id, body);
  }

  @Delete(':id')
  @Roles('admin', 'supervisor')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiConflictResponse({ description: 'The room has a session in progress' })
  async remove(@Param('id', uuidParam('id')) id: string): Promise<void> {
    await this.rooms.remove(id);
  }

  @Post(':id/participants')
  @Roles('admin', 'supervisor')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOkResponse({ description: 'Participants being called (conference callouts through the callouts queue)' })
  @ApiConflictResponse({ description: 'The room is locked, full or closed' })
  dialOut(@Param('id', uuidParam('id')) id: string, @Body() body: AddParticipantsDto, @Req() request: AuthenticatedRequest) {
    return this.dialing.dialOut(id, body, keyOf(request));
  }

  @Post(':id/participants/:participantId/mute')
  @Roles('admin', 'supervisor')
  @HttpCode(HttpStatus.OK)
  @ApiConflictResponse({ description: ENDED })
  mute(
    @Param('id', uuidParam('id')) id: string,
    @Param('participantId', uuidParam('participantId')) participantId: string,
    @Req() request: AuthenticatedRequest,
  ) {
    return this.moderation.participant(id, participantId, 'mute', keyOf(request));
  }

  @Post(':id/participants/:participantId/unmute')
  @Roles('admin', 'supervisor')
  @HttpCode(HttpStatus.OK)
  @ApiConflictResponse({ description: ENDED })
  unmute(
    @Param('id', uuidParam('id')) id: string,
    @Param('participantId', uuidParam('participantId')) participantId: string,
    @Req() request: AuthenticatedRequest,
  ) {
    return this.moderation.participant(id, participantId, 'unmute', keyOf(request));
  }

  @Post(':id/participants/:participantId/hold')
  @Roles('admin', 'supervisor')
  @HttpCode(HttpStatus.OK)
  @ApiConflictResponse({ description: ENDED })
  hold(
    @Param('id', uuidParam('id')) id: string,
    @Param('participantId', uuidParam('participantId')) participantId: string,
    @Body() body: HoldDto,
    @Req() request: AuthenticatedRequest,
  ) {
    return this.moderation.participant(id, participantId, 'hold', keyOf(request), body?.music);
  }

  @Post(':id/participants/:participantId/resume')
  @Roles('admin', 'supervisor')
  @HttpCode(HttpStatus.OK)
  @ApiConflictResponse({ description: ENDED })
  resume(
    @Param('id', uuidParam('id')) id: string,
    @Param('participantId', uuidParam('participantId')) participantId: string,
    @Req() request: AuthenticatedRequest,
  ) {
    return this.moderation.participant(id, participantId, 'resume', keyOf(request));
  }

  @Delete(':id/participants/:participantId')
  @Roles('admin', 'supervisor')
  @HttpCode(HttpStatus.OK)
  @ApiConflictResponse({ description: ENDED })
  kick(
    @Param('id', uuidParam('id')) id: string,
    @Param('participantId', uuidParam('participantId')) participantId: string,
    @Req() request: AuthenticatedRequest,
  ) {
    return this.moderation.participant(id, participantId, 'kick', keyOf(request));
  }

  @Post(':id/mute-all')
  @Roles('admin', 'supervisor')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ description: 'Every participant but the moderators muted, paced under the Sinch rate limit; per-participant results' })
  muteAll(@Param('id', uuidParam('id')) id: string, @Req() request: AuthenticatedRequest) {
    return this.moderation.muteAll(id, keyOf(request));
  }

  @Post(':id/lock')
  @Roles('admin', 'supervisor')
  @HttpCode(HttpStatus.OK)
  lock(@Param('id', uuidParam('id')) id: string, @Req() request: AuthenticatedRequest) {
    return this.rooms.setLocked(id, true, keyOf(request));
  }

  @Post(':id/unlock')
  @Roles('admin', 'supervisor')
  @HttpCode(HttpStatus.OK)
  unlock(@Param('id', uuidParam('id')) id: string, @Req() request: AuthenticatedRequest) {
    return this.rooms.setLocked(id, false, keyOf(request));
  }

  @Post(':id/end')
  @Roles('admin', 'supervisor')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ description: 'Everyone kicked and the session ended; per-participant results' })
  end(@Param('id', uuidParam('id')) id: string, @Req() request: AuthenticatedRequest) {
    return this.moderation.end(id, keyOf(request));
  }

  @Get(':id/sessions')
  @ApiOkResponse({ description: "{ items: sessions, newest first, with totals from the legs' DiCE }" })
  sessions(@Param('id', uuidParam('id')) id: string, @Query() query: ListSessionsQueryDto) {
    return this.history.sessions(id, query.limit);
  }

  @Get(':id/sessions/:sessionId')
  @ApiOkResponse({ description: 'A session: totals, participants and its timeline (joins, leaves, moderation with the API key)' })
  session(@Param('id', uuidParam('id')) id: string, @Param('sessionId', uuidParam('sessionId')) sessionId: string) {
    return this.history.session(id, sessionId);
  }
}
