import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { CalloutsService } from 'src/callouts/callouts.service';
import { normalizePhoneNumber } from 'src/common/phone-number';
import { SinchApiError } from 'src/sinch/sinch-errors';
import { SinchVoiceClient } from 'src/sinch/voice-client';
import type { ConferenceParticipant as SinchParticipant } from 'src/sinch/voice-client.types';
import { JOIN_GRACE_MS } from './conference-config';
import { admission } from './conference-dial-in';
import { ConferencesError } from './conferences.errors';
import { ConferenceParticipant } from './conference-participant.entity';
import { ConferenceRooms } from './conference-rooms.service';
import { ConferenceSessions } from './conference-sessions.service';
import { ConferenceTimeline } from './conference-timeline.service';
import type { AddParticipantsDto } from './dto/add-participants.dto';
import { toParticipantResponse, toRoomResponse, type ConferenceRoomResponse, type ParticipantResponse } from './dto/conference.response';

// What a dial-out's `custom` carries for the ACE: the room, the role and whether it joins muted.
export const DIAL_OUT_KEYS = { room: '_cr', moderator: '_cm', muted: '_mu' } as const;

export interface LiveView {
  room: ConferenceRoomResponse;
  session: { id: string; startedAt: string; peakParticipants: number } | null;
  // `ok`: merged with Sinch's conference info; `unavailable`: Sinch did not answer, our own state is shown.
  sinch: 'ok' | 'unavailable' | 'not_asked';
  participants: ParticipantResponse[];
}

// The live view (our state checked against Sinch's conference info) and dial-out.
@Injectable()
export class ConferenceLive {
  private readonly logger = new Logger('ConferenceLive');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rooms: ConferenceRooms,
    private readonly sessions: ConferenceSessions,
    private readonly timeline: ConferenceTimeline,
    private readonly callouts: CalloutsService,
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
    const repo = this.dataSource.getRepository(ConferenceParticipant);
    const ps = [
      ...(session ? await repo.find({ where: { sessionId: session.id }, order: { joinedAt: 'ASC' } }) : []),
      // Dialled out and still ringing: not in a session yet.
      ...(await repo.find({ where: { roomId, sessionId: IsNull(), leftAt: IsNull() } })),
    ];
    const now = new Date();
    return {
      room: toRoomResponse(room),
      session: session ? { id: session.id, startedAt: session.startedAt.toISOString(), peakParticipants: session.peakParticipants } : null,
      sinch,
      participants: ps.map((p) => toParticipantResponse(p, now, p.sinchCallId ? sinchTalk.get(p.sinchCallId) : undefined)),
    };
  }

  async dialOut(roomId: string, dto: AddParticipantsDto, apiKeyId: string | null): Promise<{ items: ParticipantResponse[] }> {
    const room = await this.rooms.room(roomId);
    const role = dto.role ?? 'participant';
    const muted = dto.muted ?? (role === 'participant' && room.joinMuted);
    const repo = this.dataSource.getRepository(ConferenceParticipant);
    // Ringing legs count: they are on their way in.
    const expected = await repo.countBy({ roomId, leftAt: IsNull() });
    const verdict = admission(room, expected + dto.destinations.length - 1, role, new Date());
    if (!verdict.ok) throw new ConferencesError('conference_refuses', `${verdict.message} (${expected} in or on their way, at most ${room.maxParticipants})`);
    const numbers = dto.destinations.map((d) => normalizePhoneNumber(d)!);
    const rows = await this.dataSource.transaction(async (manager) => {
      const placed = await this.callouts.place(
        manager,
        numbers.map((n) => ({
          callout: {
            method: 'conferenceCallout' as const,
            request: {
              destination: { type: 'number' as const, endpoint: n.e164 },
              conferenceId: room.sinchConferenceId,
              ...(dto.cli ? { cli: normalizePhoneNumber(dto.cli)?.e164 } : {}),
              mohClass: room.musicOnHold,
              // The ACE tells us the leg is in the room; the DiCE that it left and what it cost.
              enableAce: true,
              enableDice: true,
            },
          },
          customExtra: { [DIAL_OUT_KEYS.room]: roomId, [DIAL_OUT_KEYS.moderator]: role === 'moderator', [DIAL_OUT_KEYS.muted]: muted },
          toNumber: n.e164,
          country: n.country,
          fromNumber: dto.cli ? normalizePhoneNumber(dto.cli)?.e164 : undefined,
          conferenceId: room.sinchConferenceId,
        })),
      );
      const saved = await manager.save(
        placed.map((call, i) =>
          manager.create(ConferenceParticipant, { roomId, callId: call.id, number: numbers[i].e164, role, direction: 'out' as const, muted: false }),
        ),
      );
      const session = await this.sessions.openSession(roomId, manager);
      await this.timeline.record(
        saved.map((p) => ({
          roomId,
          sessionId: session?.id ?? null,
          participantId: p.id,
          type: 'dial_out',
          apiKeyId,
          data: { number: p.number, role, muted },
        })),
        manager,
      );
      return saved;
    });
    const now = new Date();
    return { items: rows.map((p) => toParticipantResponse(p, now)) };
  }

  // Sinch is the truth about who is in the room and their mute / hold state: a joined leg it no longer lists is
  // marked left (after a grace for legs joining right now), and a state that differs is taken from Sinch.
  private async reconcile(roomId: string, sessionId: string, reported: SinchParticipant[]): Promise<void> {
    const repo = this.dataSource.getRepository(ConferenceParticipant);
    const ours = await repo.findBy({ sessionId, leftAt: IsNull() });
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
      if (muted !== p.muted || onHold !== p.onHold) await repo.update({ id: p.id }, { muted, onHold, ...(onHold ? {} : { heldForModerator: false }) });
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
