import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConferencesError } from './conferences.errors';
import { ConferenceEvent } from './conference-event.entity';
import { ConferenceParticipant } from './conference-participant.entity';
import { ConferenceRooms } from './conference-rooms.service';
import { toParticipantResponse, type ParticipantResponse } from './dto/conference.response';

const TIMELINE_LIMIT = 2_000;

export interface SessionSummary {
  id: string;
  startedAt: string;
  endedAt: string | null;
  peakParticipants: number;
  participantCount: number;
  // Sum of the legs' DiCE durations; the cost is the legs' DiCE debits per currency, exact decimals.
  totalSeconds: number;
  totalMinutes: string;
  totalCost: { currency: string; amount: string }[];
}

interface SessionRow {
  id: string;
  started_at: Date;
  ended_at: Date | null;
  peak_participants: number;
  participants: number;
  total_seconds: number;
  total_minutes: string;
  cost: { currency: string; amount: string }[] | null;
}

// Each occurrence of a room, its totals from the legs' DiCE, and its timeline.
@Injectable()
export class ConferenceHistory {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rooms: ConferenceRooms,
  ) {}

  async sessions(roomId: string, limit = 50): Promise<{ items: SessionSummary[] }> {
    await this.rooms.room(roomId);
    return { items: (await this.summaries('s.room_id = $1', [roomId], limit)).map(toSummary) };
  }

  async session(roomId: string, sessionId: string): Promise<SessionSummary & { participants: ParticipantResponse[]; timeline: object[] }> {
    await this.rooms.room(roomId);
    const [row] = await this.summaries('s.room_id = $1 AND s.id = $2', [roomId, sessionId], 1);
    if (!row) throw new ConferencesError('session_not_found', `Session ${sessionId} not found in this room`);
    const participants = await this.dataSource.getRepository(ConferenceParticipant).find({ where: { sessionId }, order: { joinedAt: 'ASC' } });
    const events = await this.dataSource.getRepository(ConferenceEvent).find({ where: { sessionId }, order: { at: 'ASC' }, take: TIMELINE_LIMIT });
    const now = new Date();
    return {
      ...toSummary(row),
      participants: participants.map((p) => toParticipantResponse(p, now)),
      timeline: events.map((e) => ({ at: e.at.toISOString(), type: e.type, participantId: e.participantId, apiKeyId: e.apiKeyId, ...e.data })),
    };
  }

  private summaries(where: string, values: unknown[], limit: number): Promise<SessionRow[]> {
    return this.dataSource.query(
      `SELECT s.id, s.started_at, s.ended_at, s.peak_participants,
              (SELECT count(*)::int FROM conference_participants p WHERE p.session_id = s.id) AS participants,
              (SELECT coalesce(sum(p.duration_s), 0)::int FROM conference_participants p WHERE p.session_id = s.id) AS total_seconds,
              (SELECT round(coalesce(sum(p.duration_s), 0) / 60.0, 2)::text FROM conference_participants p WHERE p.session_id = s.id) AS total_minutes,
              (SELECT json_agg(json_build_object('currency', c.currency, 'amount', c.amount) ORDER BY c.currency)
                 FROM (SELECT trim(p.debit_currency) AS currency, sum(p.debit_amount)::text AS amount FROM conference_participants p
                       WHERE p.session_id = s.id AND p.debit_amount IS NOT NULL GROUP BY 1) c) AS cost
         FROM conference_sessions s WHERE ${where} ORDER BY s.started_at DESC, s.id DESC LIMIT ${Number(limit)}`,
      values,
    );
  }
}

function toSummary(r: SessionRow): SessionSummary {
  return {
    id: r.id,
    startedAt: r.started_at.toISOString(),
    endedAt: r.ended_at?.toISOString() ?? null,
    peakParticipants: r.peak_participants,
    participantCount: r.participants,
    totalSeconds: r.total_seconds,
    totalMinutes: r.total_minutes,
    totalCost: r.cost ?? [],
  };
}
