import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull, Not } from 'typeorm';
import { CallsQueryService } from 'src/calls/calls-query.service';
import { CallsService } from 'src/calls/calls.service';
import { batchedCheck } from 'src/common/micro-batcher';
import type { DiceEvent } from 'src/sinch/callback-events';
import { ConferenceCommands, NotInSinchRoom } from './conference-commands.service';
import { ConferenceDirectory } from './conference-directory.service';
import { ConferenceParticipant, type ConferenceRole } from './conference-participant.entity';
import { ConferenceRoom } from './conference-room.entity';
import { ConferenceSession } from './conference-session.entity';
import { ConferenceTimeline } from './conference-timeline.service';

export interface JoiningLeg {
  sinchCallId: string;
  // Dial-out: our call id (its participant row exists since the POST). Dial-in: found later.
  callId?: string;
  number?: string;
  role: ConferenceRole;
  direction: 'in' | 'out';
  muted: boolean;
}

export interface LeavingLeg {
  sinchCallId?: string;
  callId?: string;
  reason: string;
  durationS?: number;
  debit?: { amount: string; currency: string };
}

// Sessions and who is in them. Joins are learnt from callback answers (ACE of a dial-out, the PIE or ICE of a
// dial-in) and written after the answer; leaves from the DiCE, a kick, an end, or Sinch's conference info no
// longer listing a leg. Everything for one room runs in order (one chain per room), so a session starts once and
// the room's rules (join muted, wait for a moderator, end when the last moderator leaves) see each change in turn.
@Injectable()
export class ConferenceSessions {
  private readonly logger = new Logger('ConferenceSessions');
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly directory: ConferenceDirectory,
    private readonly commands: ConferenceCommands,
    private readonly timeline: ConferenceTimeline,
    private readonly calls: CallsQueryService,
    private readonly callLog: CallsService,
  ) {}

  // From an answer: counted at once (the next joiner's "full" check sees it), written in the room's chain.
  joined(roomId: string, leg: JoiningLeg): void {
    this.directory.admit(roomId, leg.sinchCallId, leg.role);
    this.inOrder(roomId, () => this.recordJoin(roomId, leg)).catch((err: unknown) =>
      this.logger.error({ err, roomId, sinchCallId: leg.sinchCallId }, 'Recording a conference join failed; the live view repairs it from Sinch'),
    );
  }

  // Whether a call is (or was) a leg of a room: by its Sinch id (dial-in, answered dial-out) or ours (dial-out).
  isLeg(sinchCallId: string, callId: string | undefined): Promise<boolean> {
    return this.legCheck({ sinchCallId, callId });
  }

  // Every call's DiCE asks: one statement for the DiCEs that arrive together.
  private readonly legCheck = batchedCheck<{ sinchCallId: string; callId?: string }>(async (calls) => {
    const rows = (await this.dataSource.query(
      'SELECT sinch_call_id, call_id FROM conference_participants WHERE sinch_call_id = ANY($1::text[]) OR call_id = ANY($2::uuid[])',
      [calls.map((c) => c.sinchCallId), calls.flatMap((c) => (c.callId ? [c.callId] : []))],
    )) as { sinch_call_id: string | null; call_id: string | null }[];
    const bySinchId = new Set(rows.map((r) => r.sinch_call_id));
    const byCallId = new Set(rows.map((r) => r.call_id));
    return (c) => bySinchId.has(c.sinchCallId) || (c.callId !== undefined && byCallId.has(c.callId));
  });

  // A DiCE (or a reconciled one): the leg's end, its minutes and its cost (as the call log has them).
  async diced(event: DiceEvent, callId: string | undefined, billing: Pick<LeavingLeg, 'durationS' | 'debit'>): Promise<void> {
    const repo = this.dataSource.getRepository(ConferenceParticipant);
    const p = (await repo.findOneBy({ sinchCallId: event.callId })) ?? (callId ? await repo.findOneBy({ callId }) : null);
    if (!p) return;
    const reason = p.joinedAt ? (event.result === 'ANSWERED' ? 'hung_up' : event.reason.toLowerCase()) : event.result.toLowerCase();
    await this.inOrder(p.roomId, () => this.recordLeave(p.roomId, { sinchCallId: event.callId, callId, reason, ...billing }));
  }

  // Sinch no longer reports the leg (or 404s a command for it).
  gone(roomId: string, participantIds: string[]): Promise<void> {
    return this.inOrder(roomId, async () => {
      const ps = await this.dataSource.getRepository(ConferenceParticipant).findBy(participantIds.map((id) => ({ id, leftAt: IsNull() })));
      for (const p of ps) await this.recordLeave(roomId, { sinchCallId: p.sinchCallId ?? undefined, reason: 'left' });
    });
  }

  // The conference is over: every leg still in it is marked left with `reason`, and the session ends.
  ended(roomId: string, reason: string, apiKeyId: string | null): Promise<ConferenceParticipant[]> {
    return this.inOrder(roomId, () => this.endSession(roomId, reason, apiKeyId));
  }

  openSession(roomId: string, manager: EntityManager = this.dataSource.manager): Promise<ConferenceSession | null> {
    return manager.findOneBy(ConferenceSession, { roomId, endedAt: IsNull() });
  }

  // Runs `work` after everything queued for the room. Moderation runs here too: a kick's DiCE, arriving while the
  // kick is being recorded, then sees it (reason `kicked`) instead of recording a second leave.
  inOrder<T>(roomId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(roomId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.chains.set(roomId, next);
    void next
      .finally(() => {
        if (this.chains.get(roomId) === next) this.chains.delete(roomId);
      })
      .catch(() => undefined);
    return next;
  }

  private async recordJoin(roomId: string, leg: JoiningLeg): Promise<void> {
    const room = await this.dataSource.getRepository(ConferenceRoom).findOneBy({ id: roomId });
    if (!room) return;
    if (leg.direction === 'in') await this.callLog.linkConference(leg.sinchCallId, room.sinchConferenceId);
    const known = leg.callId ? undefined : await this.calls.legForSinchCall(leg.sinchCallId);
    const callId = leg.callId ?? known?.id;
    leg = { ...leg, number: leg.number ?? known?.fromNumber ?? undefined };
    const now = new Date();
    const { participant, session, fresh } = await this.dataSource.transaction(async (manager) => {
      await manager.query(`INSERT INTO conference_sessions (room_id, started_at) VALUES ($1, $2) ON CONFLICT (room_id) WHERE ended_at IS NULL DO NOTHING`, [
        roomId,
        now,
      ]);
      const session = (await this.openSession(roomId, manager)) as ConferenceSession;
      const existing =
        (await manager.findOneBy(ConferenceParticipant, { sinchCallId: leg.sinchCallId })) ??
        (callId ? await manager.findOneBy(ConferenceParticipant, { callId, roomId }) : null);
      // A repeated callback for a leg already in (or already gone): nothing new.
      if (existing?.joinedAt) return { participant: existing, session, fresh: false };
      const values = {
        roomId,
        sessionId: session.id,
        sinchCallId: leg.sinchCallId,
        callId: callId ?? null,
        joinedAt: now,
        ...(leg.number ? { number: leg.number } : {}),
      };
      let participant: ConferenceParticipant;
      if (existing) {
        await manager.update(ConferenceParticipant, { id: existing.id }, values);
        participant = Object.assign(existing, values);
      } else {
        participant = await manager.save(
          manager.create(ConferenceParticipant, { ...values, role: leg.role, direction: leg.direction, number: leg.number ?? null }),
        );
      }
      await manager.query(
        `UPDATE conference_sessions SET peak_participants = greatest(peak_participants,
           (SELECT count(*) FROM conference_participants WHERE session_id = $1 AND joined_at IS NOT NULL AND left_at IS NULL)) WHERE id = $1`,
        [session.id],
      );
      await this.timeline.record(
        [
          {
            roomId,
            sessionId: session.id,
            participantId: participant.id,
            type: 'joined',
            data: { role: participant.role, direction: participant.direction, number: participant.number },
          },
        ],
        manager,
      );
      return { participant, session, fresh: true };
    });
    this.directory.written(leg.sinchCallId);
    if (!fresh || participant.leftAt) return;
    await this.applyJoinRules(room, participant, leg.muted, session.id);
  }

  private async applyJoinRules(room: ConferenceRoom, p: ConferenceParticipant, muted: boolean, sessionId: string): Promise<void> {
    const repo = this.dataSource.getRepository(ConferenceParticipant);
    const inRoom = await repo.findBy({ sessionId, leftAt: IsNull(), joinedAt: Not(IsNull()) });
    const moderatorIn = inRoom.some((x) => x.role === 'moderator');
    try {
      if (muted) await this.commands.send(room, p, 'mute', { justJoined: true });
      if (room.waitForModerator && p.role === 'participant' && !moderatorIn)
        await this.commands.send(room, p, 'hold', { justJoined: true, forModerator: true });
    } catch (error) {
      if (error instanceof NotInSinchRoom) return this.recordLeave(room.id, { sinchCallId: p.sinchCallId ?? undefined, reason: 'left' });
      throw error;
    }
    if (room.waitForModerator && p.role === 'moderator') {
      const waiting = inRoom.filter((x) => x.heldForModerator);
      const results = await this.commands.sendMany(room, waiting, 'resume', { justJoined: true });
      const failed = results.filter((r) => !r.ok);
      if (failed.length > 0) this.logger.warn({ roomId: room.id, failed }, 'Some participants waiting for a moderator could not be resumed');
    }
  }

  private async recordLeave(roomId: string, leg: LeavingLeg): Promise<void> {
    const repo = this.dataSource.getRepository(ConferenceParticipant);
    const p =
      (leg.sinchCallId ? await repo.findOneBy({ sinchCallId: leg.sinchCallId }) : null) ?? (leg.callId ? await repo.findOneBy({ callId: leg.callId }) : null);
    if (!p) return;
    const now = new Date();
    const firstLeave = p.leftAt === null;
    await this.dataSource.transaction(async (manager) => {
      await manager.update(
        ConferenceParticipant,
        { id: p.id },
        {
          ...(firstLeave ? { leftAt: now, leaveReason: leg.reason } : {}),
          ...(p.callId === null && leg.callId ? { callId: leg.callId } : {}),
          ...(leg.durationS !== undefined ? { durationS: leg.durationS } : {}),
          ...(leg.debit ? { debitAmount: leg.debit.amount, debitCurrency: leg.debit.currency } : {}),
        },
      );
      if (firstLeave && p.joinedAt)
        await this.timeline.record([{ roomId, sessionId: p.sessionId, participantId: p.id, type: 'left', data: { reason: leg.reason } }], manager);
    });
    if (p.sinchCallId) this.directory.release(roomId, p.sinchCallId);
    if (!firstLeave || !p.sessionId) return;
    const room = await this.dataSource.getRepository(ConferenceRoom).findOneBy({ id: roomId });
    const inRoom = await repo.findBy({ sessionId: p.sessionId, leftAt: IsNull(), joinedAt: Not(IsNull()) });
    if (inRoom.length === 0) {
      await this.closeSession(p.sessionId, now);
    } else if (room?.endWhenModeratorLeaves && p.role === 'moderator' && !inRoom.some((x) => x.role === 'moderator')) {
      await this.endSession(roomId, 'moderator_left', null);
    }
  }

  private async endSession(roomId: string, reason: string, apiKeyId: string | null): Promise<ConferenceParticipant[]> {
    const room = await this.dataSource.getRepository(ConferenceRoom).findOneBy({ id: roomId });
    const session = await this.openSession(roomId);
    if (!room || !session) return [];
    const repo = this.dataSource.getRepository(ConferenceParticipant);
    const inRoom = await repo.findBy({ sessionId: session.id, leftAt: IsNull(), joinedAt: Not(IsNull()) });
    await this.commands.kickAll(room);
    const now = new Date();
    await this.dataSource.transaction(async (manager) => {
      if (inRoom.length > 0)
        await manager.update(
          ConferenceParticipant,
          inRoom.map((p) => p.id),
          { leftAt: now, leaveReason: reason },
        );
      await this.timeline.record(
        [
          { roomId, sessionId: session.id, type: 'end', apiKeyId, data: { reason, participants: inRoom.length } },
          ...inRoom.map((p) => ({ roomId, sessionId: session.id, participantId: p.id, type: 'left', data: { reason } })),
        ],
        manager,
      );
    });
    for (const p of inRoom) if (p.sinchCallId) this.directory.release(roomId, p.sinchCallId);
    await this.closeSession(session.id, now);
    return inRoom.map((p) => Object.assign(p, { leftAt: now, leaveReason: reason }));
  }

  private async closeSession(sessionId: string, at: Date): Promise<void> {
    await this.dataSource.getRepository(ConferenceSession).update({ id: sessionId, endedAt: IsNull() }, { endedAt: at });
  }
}
