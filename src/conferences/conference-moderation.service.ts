import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, Not } from 'typeorm';
import { ConferenceCommands, NotInSinchRoom, type CommandResult, type ParticipantAction } from './conference-commands.service';
import { ConferencesError } from './conferences.errors';
import { ConferenceParticipant } from './conference-participant.entity';
import { ConferenceRooms } from './conference-rooms.service';
import { ConferenceSessions } from './conference-sessions.service';
import { toParticipantResponse, type ParticipantResponse } from './dto/conference.response';
import type { MusicOnHold } from 'src/sinch/svaml/svaml.types';

export interface BulkResult {
  sessionId: string;
  results: ({ participantId: string; ok: true; participant: ParticipantResponse } | { participantId: string; ok: false; status: number; error: string })[];
}

// Moderation from the admin API: one participant (mute, unmute, hold, resume, kick), everyone but the
// moderators (mute), or the whole conference (end). Each answers the new state, 404 for a participant that is not
// in this room, 409 when the conference (or the participant) is gone.
@Injectable()
export class ConferenceModeration {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rooms: ConferenceRooms,
    private readonly sessions: ConferenceSessions,
    private readonly commands: ConferenceCommands,
  ) {}

  async participant(
    roomId: string,
    participantId: string,
    action: ParticipantAction,
    apiKeyId: string | null,
    music?: MusicOnHold,
  ): Promise<ParticipantResponse> {
    const room = await this.rooms.room(roomId);
    const p = await this.dataSource.getRepository(ConferenceParticipant).findOneBy({ id: participantId, roomId });
    if (!p) throw new ConferencesError('participant_not_found', `Participant ${participantId} is not in this conference room`);
    if (p.leftAt) throw new ConferencesError('participant_left', `Participant ${participantId} has left the conference; there is nothing to moderate`);
    if (!p.joinedAt || !p.sinchCallId)
      throw new ConferencesError('participant_not_joined', `Participant ${participantId} has not joined yet (its call is still ringing)`);
    const session = await this.sessions.openSession(roomId);
    if (!session || session.id !== p.sessionId)
      throw new ConferencesError('conference_ended', `The conference session of participant ${participantId} has ended`);
    try {
      const changed = await this.sessions.inOrder(roomId, () => this.commands.send(room, p, action, { apiKeyId, music }));
      return toParticipantResponse(changed, new Date());
    } catch (error) {
      if (!(error instanceof NotInSinchRoom)) throw error;
      // Sinch no longer has it: it left before we heard (the DiCE is on its way).
      await this.sessions.gone(roomId, [p.id]);
      throw new ConferencesError('participant_left', `Participant ${participantId} has left the conference; there is nothing to moderate`);
    }
  }

  async muteAll(roomId: string, apiKeyId: string | null): Promise<BulkResult> {
    const room = await this.rooms.room(roomId);
    const session = await this.sessions.openSession(roomId);
    if (!session) throw new ConferencesError('conference_ended', 'The conference has no session in progress');
    const results = await this.sessions.inOrder(roomId, async () => {
      const targets = await this.dataSource.getRepository(ConferenceParticipant).findBy({
        sessionId: session.id,
        leftAt: IsNull(),
        joinedAt: Not(IsNull()),
        role: 'participant',
        muted: false,
      });
      return this.commands.sendMany(room, targets, 'mute', { apiKeyId });
    });
    const gone = results.filter((r) => !r.ok && r.status === 409).map((r) => r.participantId);
    if (gone.length > 0) await this.sessions.gone(roomId, gone);
    return { sessionId: session.id, results: results.map(toBulk) };
  }

  async end(roomId: string, apiKeyId: string | null): Promise<BulkResult> {
    await this.rooms.room(roomId);
    const session = await this.sessions.openSession(roomId);
    if (!session) throw new ConferencesError('conference_ended', 'The conference has no session in progress');
    const left = await this.sessions.ended(roomId, 'ended', apiKeyId);
    const now = new Date();
    return { sessionId: session.id, results: left.map((p) => ({ participantId: p.id, ok: true as const, participant: toParticipantResponse(p, now) })) };
  }
}

function toBulk(r: CommandResult): BulkResult['results'][number] {
  return r.ok ? { participantId: r.participantId, ok: true, participant: toParticipantResponse(r.participant, new Date()) } : r;
}
