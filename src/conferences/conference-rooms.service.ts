import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { ConferenceDirectory } from './conference-directory.service';
import { ConferencesError } from './conferences.errors';
import { ConferenceRoom } from './conference-room.entity';
import { ConferenceSessions } from './conference-sessions.service';
import { ConferenceTimeline } from './conference-timeline.service';
import type { CreateConferenceRoomDto } from './dto/create-conference-room.dto';
import type { UpdateConferenceRoomDto } from './dto/update-conference-room.dto';
import { toRoomResponse, type ConferenceRoomResponse } from './dto/conference.response';
import { invalidField } from 'src/common/validation';

const LIST_LIMIT = 500;

// Rooms: settings, and lock / unlock (a moderation action, so it is on the open session's timeline).
@Injectable()
export class ConferenceRooms {
  constructor(
    @InjectRepository(ConferenceRoom) private readonly repository: Repository<ConferenceRoom>,
    private readonly directory: ConferenceDirectory,
    private readonly sessions: ConferenceSessions,
    private readonly timeline: ConferenceTimeline,
  ) {}

  async create(dto: CreateConferenceRoomDto): Promise<ConferenceRoomResponse> {
    const values = settings(dto);
    checkRules(values);
    const room = await this.saved(() => this.repository.save(this.repository.create(values)));
    this.directory.put(room);
    return toRoomResponse(room);
  }

  async list(): Promise<{ items: ConferenceRoomResponse[] }> {
    const rooms = await this.repository.find({ order: { createdAt: 'DESC', id: 'DESC' }, take: LIST_LIMIT });
    return { items: rooms.map(toRoomResponse) };
  }

  async room(id: string): Promise<ConferenceRoom> {
    const room = await this.repository.findOneBy({ id });
    if (!room) throw new ConferencesError('conference_not_found', `Conference room ${id} not found`);
    return room;
  }

  async update(id: string, dto: UpdateConferenceRoomDto): Promise<ConferenceRoomResponse> {
    const room = await this.room(id);
    const values = settings(dto);
    checkRules({ ...room, ...values });
    if (values.sinchConferenceId !== undefined && values.sinchConferenceId !== room.sinchConferenceId && (await this.sessions.openSession(id))) {
      throw new ConferencesError('conference_refuses', 'The Sinch conference id cannot change while the room has a session in progress');
    }
    await this.saved(() => this.repository.update({ id }, values));
    const updated = await this.room(id);
    this.directory.put(updated);
    return toRoomResponse(updated);
  }

  async remove(id: string): Promise<void> {
    await this.room(id);
    if (await this.sessions.openSession(id)) throw new ConferencesError('conference_refuses', 'The room has a session in progress: end it first');
    await this.repository.delete({ id });
    this.directory.remove(id);
  }

  async setLocked(id: string, locked: boolean, apiKeyId: string | null): Promise<ConferenceRoomResponse> {
    await this.room(id);
    await this.repository.manager.transaction(async (manager) => {
      await manager.update(ConferenceRoom, { id }, { locked });
      const session = await this.sessions.openSession(id, manager);
      await this.timeline.record([{ roomId: id, sessionId: session?.id ?? null, type: locked ? 'lock' : 'unlock', apiKeyId }], manager);
    });
    const room = await this.room(id);
    this.directory.put(room);
    return toRoomResponse(room);
  }

  private async saved<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      const driverError = error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string }) : undefined;
      if (driverError?.code === '23505' && driverError.constraint === 'uq_conference_rooms_sinch_id') {
        throw new ConferencesError('conference_id_taken', 'Another room already uses this Sinch conference id', [
          { field: 'sinchConferenceId', rule: 'unique', message: 'sinchConferenceId is already used by another room' },
        ]);
      }
      throw error;
    }
  }
}

type RoomValues = Partial<
  Pick<
    ConferenceRoom,
    | 'name'
    | 'sinchConferenceId'
    | 'participantPin'
    | 'moderatorPin'
    | 'musicOnHold'
    | 'maxParticipants'
    | 'joinMuted'
    | 'waitForModerator'
    | 'endWhenModeratorLeaves'
    | 'openFrom'
    | 'openUntil'
  >
>;

const CLEARABLE: readonly (keyof RoomValues)[] = ['participantPin', 'moderatorPin', 'openFrom', 'openUntil'];

function settings(dto: UpdateConferenceRoomDto): RoomValues {
  const date = (v: string | null | undefined) => (v === undefined ? undefined : v === null ? null : new Date(v));
  const entries: [keyof RoomValues, unknown][] = [
    ['name', dto.name],
    ['sinchConferenceId', dto.sinchConferenceId],
    ['participantPin', dto.participantPin],
    ['moderatorPin', dto.moderatorPin],
    ['musicOnHold', dto.musicOnHold],
    ['maxParticipants', dto.maxParticipants],
    ['joinMuted', dto.joinMuted],
    ['waitForModerator', dto.waitForModerator],
    ['endWhenModeratorLeaves', dto.endWhenModeratorLeaves],
    ['openFrom', date(dto.openFrom)],
    ['openUntil', date(dto.openUntil)],
  ];
  // @IsOptional lets null through; only the PINs and the schedule may be cleared.
  const nulled = entries.find(([k, v]) => v === null && !CLEARABLE.includes(k));
  if (nulled) throw invalidField(nulled[0], 'isDefined', `${nulled[0]} cannot be null`);
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined)) as RoomValues;
}

// Rules across fields (one field's own rules are the DTO's).
function checkRules(r: RoomValues): void {
  if (r.participantPin && r.moderatorPin && r.participantPin === r.moderatorPin) {
    throw invalidField('moderatorPin', 'distinct_pins', 'moderatorPin must differ from participantPin (the PIN decides the role)');
  }
  if (r.openFrom && r.openUntil && r.openFrom >= r.openUntil) throw invalidField('openUntil', 'after_open_from', 'openUntil must be after openFrom');
}
