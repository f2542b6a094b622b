import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { CalloutsService } from 'src/callouts/callouts.service';
import { normalizePhoneNumber } from 'src/common/phone-number';
import { admission } from './conference-dial-in';
import { ConferenceParticipant } from './conference-participant.entity';
import { ConferenceRooms } from './conference-rooms.service';
import { ConferenceSessions } from './conference-sessions.service';
import { ConferenceTimeline } from './conference-timeline.service';
import { ConferencesError } from './conferences.errors';
import type { AddParticipantsDto } from './dto/add-participants.dto';
import { toParticipantResponse, type ParticipantResponse } from './dto/conference.response';

// What a dial-out's `custom` carries for the ACE: the room, the role and whether it joins muted.
export const DIAL_OUT_KEYS = { room: '_cr', moderator: '_cm', muted: '_mu' } as const;

// Dial-out: conference callouts placed in one transaction with their participants (ringing, not in a session yet)
// and the timeline's entries; the ACE then brings each leg into the room.
@Injectable()
export class ConferenceDialOut {
  constructor(
    @InjectRepository(ConferenceParticipant) private readonly participants: Repository<ConferenceParticipant>,
    private readonly rooms: ConferenceRooms,
    private readonly sessions: ConferenceSessions,
    private readonly timeline: ConferenceTimeline,
    private readonly callouts: CalloutsService,
  ) {}

  async dialOut(roomId: string, dto: AddParticipantsDto, apiKeyId: string | null): Promise<{ items: ParticipantResponse[] }> {
    const room = await this.rooms.room(roomId);
    const role = dto.role ?? 'participant';
    const muted = dto.muted ?? (role === 'participant' && room.joinMuted);
    // Ringing legs count: they are on their way in.
    const expected = await this.participants.countBy({ roomId, leftAt: IsNull() });
    const verdict = admission(room, expected + dto.destinations.length - 1, role, new Date());
    if (!verdict.ok) throw new ConferencesError('conference_refuses', `${verdict.message} (${expected} in or on their way, at most ${room.maxParticipants})`);
    const numbers = dto.destinations.map((d) => normalizePhoneNumber(d)!);
    const rows = await this.participants.manager.transaction(async (manager) => {
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
}
