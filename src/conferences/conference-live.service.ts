import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { SinchApiError } from 'src/sinch/sinch-errors';
import { SinchVoiceClient } from 'src/sinch/voice-client';
import type { ConferenceParticipant as SinchParticipant } from 'src/sinch/voice-client.types';
import { JOIN_GRACE_MS } from './conference-config';
import { ConferenceParticipant } from './conference-participant.entity';
import { ConferenceRooms } from './conference-rooms.service';
import { ConferenceSessions } from './conference-sessions.service';
import { toParticipantResponse, toRoomResponse, type ConferenceRoomResponse, type ParticipantResponse } from './dto/conference.response';

export interface LiveView {
  room: ConferenceRoomResponse;
  session: { id: string; startedAt: string; peakParticipants: number } | null;
  // `ok`: merged with Sinch's conference info; `unavailable`: Sinch did not answer, our own state is shown.
  sinch: 'ok' | 'unavailable' | 'not_asked';
  participants: ParticipantResponse[];
}

// The live view: our state checked against Sinch's conference info (and corrected by it).
@Injectable()
export class ConferenceLive {
  private readonly logger = new Logger('ConferenceLive');

  constructor(
    @InjectRepository(ConferenceParticipant) private readonly participants: Repository<ConferenceParticipant>,
    private readonly rooms: ConferenceRooms,
    private readonly sessions: ConferenceSessions,
    private readonly voice: SinchVoiceClient,
  ) {}

  async view(roomId: string): Promise<LiveView> {
    let room = await this.rooms.room(roomId);
    let session = await this.sessions.openSession(roomId);
    let sinch: LiveView['sinch'] = 'not_asked';
    const sinchTalk = new Map<string, number>();
    if (session) {
      const reported = await this.sinchParticipants(room.sinchConferenceId);
      sinch = reported ? 'ok' : 'unavailable';
      if (reported) {
        await this.reconcile(roomId, session.id, reported);
        for (const r of reported) if (r.duration !== undefined) sinchTalk.set(r.id, r.duration);
        room = await this.rooms.room(roomId);
        session = await this.sessions.openSession(roomId);
      }
    }
    const ps = [
      ...(session ? await this.participants.find({ where: { sessionId: session.id }, order: { joinedAt: 'ASC' } }) : []),
      // Dialled out and still ringing: not in a session yet.
      ...(await this.participants.find({ where: { roomId, sessionId: IsNull(), leftAt: IsNull() } })),
    ];
    const now = new Date();
    return {
      room: toRoomResponse(room),
      session: session ? { id: session.id, startedAt: session.startedAt.toISOString(), peakParticipants: session.peakParticipants } : null,
      sinch,
      participants: ps.map((p) => toParticipantResponse(p, now, p.sinchCallId ? sinchTalk.get(p.sinchCallId) : undefined)),
    };
  }

  // Sinch is the truth about who is in the room and their mute / hold state: a joined leg it no longer lists is
  // marked left (after a grace for legs joining right now), and a state that differs is taken from Sinch.
  private async reconcile(roomId: string, sessionId: string, reported: SinchParticipant[]): Promise<void> {
    const ours = await this.participants.findBy({ sessionId, leftAt: IsNull() });
    const bySinchId = new Map(reported.map((r) => [r.id, r]));
    const now = Date.now();
    const gone = ours.filter((p) => p.joinedAt && p.sinchCallId && !bySinchId.has(p.sinchCallId) && now - p.joinedAt.getTime() > JOIN_GRACE_MS);
    if (gone.length > 0)
      await this.sessions.gone(
        roomId,
        gone.map((p) => p.id),
      );
    for (const p of ours) {
      const r = p.sinchCallId ? bySinchId.get(p.sinchCallId) : undefined;
      if (!r) continue;
      const muted = r.muted ?? p.muted;
      const onHold = r.onhold ?? p.onHold;
      if (muted !== p.muted || onHold !== p.onHold)
        await this.participants.update({ id: p.id }, { muted, onHold, ...(onHold ? {} : { heldForModerator: false }) });
    }
  }

  // Undefined when Sinch could not be asked; an empty list when the conference does not exist (nobody is in it).
  private async sinchParticipants(conferenceId: string): Promise<SinchParticipant[] | undefined> {
    try {
      return (await this.voice.getConference(conferenceId)).participants;
    } catch (error) {
      if (error instanceof SinchApiError && error.status === 404) return [];
      this.logger.warn({ err: error, conferenceId }, 'Sinch conference info unavailable; showing our own state');
      return undefined;
    }
  }
}
