import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { decodeCallCustom } from 'src/calls/calls.module';
import { CallbackHandlers, type AnswerContext, type FollowUpContext } from 'src/calls/handlers/callback-handlers.service';
import { RouteTargets, type TargetCall } from 'src/numbers/routing/route-targets.service';
import { RecordingPolicies, type PolicyTarget } from 'src/recordings/recording-policies.service';
import type { AceEvent, DiceEvent, PieEvent } from 'src/sinch/callback-events';
import { buildSvaml, svaml } from 'src/sinch/svaml/svaml.builders';
import type { Svaml } from 'src/sinch/svaml/svaml.types';
import { admission, joinSvaml, MESSAGES, needsPin, pinEntry, pinMenu, PIN_TRIES, refusal, roleForPin, type DialInRoom } from './conference-dial-in';
import { ConferenceDirectory } from './conference-directory.service';
import type { ConferenceRole } from './conference-participant.entity';
import { DIAL_OUT_KEYS } from './conference-dial-out.service';
import { ConferenceSessions } from './conference-sessions.service';

// The conferences feature's part of the webhook. A number routed to a room (RouteTargets 'conference') answers
// with the PIN menu, or joins at once when the room has no PIN; our PIN menus' PIEs join, retry or hang up; the
// ACE of a dial-out leg means it is in the room; every leg's DiCE is its leave and its cost. Answers come from
// memory (ConferenceDirectory); what they learn is written after the answer. A room's recording policy (target
// `conference`, id = the room's Sinch conference id, the id calls and recordings rows carry) records each leg as
// it joins: Sinch records per call, so a room's recording is its legs' recordings.
@Injectable()
export class ConferenceCallHandler implements OnModuleInit, OnModuleDestroy {
  private unregister: (() => void)[] = [];

  constructor(
    private readonly handlers: CallbackHandlers,
    private readonly targets: RouteTargets,
    private readonly directory: ConferenceDirectory,
    private readonly sessions: ConferenceSessions,
    private readonly recording: RecordingPolicies,
  ) {}

  onModuleInit(): void {
    this.unregister = [
      this.recording.registerTarget('conference', (conferenceId) => this.directory.byConferenceId(conferenceId) !== undefined),
      this.targets.register('conference', {
        exists: (roomId) => this.directory.room(roomId) !== undefined,
        answer: (roomId, call) => this.dialIn(roomId, call),
      }),
      this.handlers.register({
        name: 'conferences',
        // Before any handler that answers an ACE for its own reasons (a recording): this one only takes note.
        priority: 40,
        ace: (event, ctx) => this.ace(event, ctx),
        pie: (event) => this.pie(event),
        dice: (event, ctx) => this.dice(event, ctx),
      }),
    ];
  }

  onModuleDestroy(): void {
    for (const unregister of this.unregister) unregister();
  }

  private dialIn(roomId: string, call: TargetCall): Svaml {
    const room = this.directory.room(roomId);
    if (!room) return refusal(MESSAGES.closed);
    if (needsPin(room)) return pinMenu(room, 1);
    return this.join(room, call.sinchCallId, 'participant', call.receivedAt, call.from);
  }

  private pie(event: PieEvent): Svaml | undefined {
    const entry = pinEntry(event.menuResult);
    if (!entry) return undefined;
    const room = this.directory.room(entry.roomId);
    if (!room) return refusal(MESSAGES.closed);
    const role = entry.pin === undefined ? undefined : roleForPin(room, entry.pin);
    if (role) return this.join(room, event.callId, role, new Date());
    return entry.attempt >= PIN_TRIES ? refusal(MESSAGES.goodbye) : pinMenu(room, entry.attempt + 1);
  }

  private join(room: DialInRoom, sinchCallId: string, role: ConferenceRole, at: Date, from?: string): Svaml {
    const verdict = admission(room, this.directory.present(room.id), role, at);
    if (!verdict.ok) return refusal(verdict.message);
    const muted = role === 'participant' && this.directory.room(room.id)!.joinMuted;
    this.sessions.joined(room.id, { sinchCallId, role, direction: 'in', muted, ...(from && from.startsWith('+') ? { number: from } : {}) });
    return this.recording.applyTo(joinSvaml(room), [policyTarget(room)]);
  }

  // A dial-out leg answered: it is in the room. When the room records, the answer starts recording and (as a
  // conferenceCallout's ACE answer must) connects the room; otherwise no answer (the leg goes on to the room).
  private ace(event: AceEvent, ctx: AnswerContext): Svaml | undefined {
    const extra = ctx.custom?.extra;
    const roomId = extra?.[DIAL_OUT_KEYS.room];
    if (typeof roomId !== 'string' || !ctx.callId) return undefined;
    this.sessions.joined(roomId, {
      sinchCallId: event.callId,
      callId: ctx.callId,
      role: extra?.[DIAL_OUT_KEYS.moderator] === true ? 'moderator' : 'participant',
      direction: 'out',
      muted: extra?.[DIAL_OUT_KEYS.muted] === true,
    });
    const room = this.directory.room(roomId);
    const record = room ? this.recording.instructionsFor([policyTarget(room)]) : [];
    return room && record.length > 0 ? buildSvaml(svaml.connectConf(room.sinchConferenceId, { moh: room.musicOnHold }), ...record) : undefined;
  }

  // The leg's minutes and cost are the call log's (the first DiCE, or the reconciler's, made it final; a late or
  // repeated DiCE does not change it), so session totals always equal the call log.
  private async dice(event: DiceEvent, ctx: FollowUpContext): Promise<void> {
    // Every call's DiCE comes here: our own callouts that are not conference legs are let go without a query.
    const custom = decodeCallCustom(event.custom);
    if (custom && typeof custom.extra?.[DIAL_OUT_KEYS.room] !== 'string') return;
    if (!(await this.sessions.isLeg(event.callId, ctx.callId))) return;
    const call = await ctx.call();
    const billed = call?.debitAmount && call.debitCurrency ? { amount: call.debitAmount, currency: call.debitCurrency.trim() } : event.debit;
    await this.sessions.diced(event, ctx.callId, { durationS: call?.durationS ?? event.duration, debit: billed });
  }
}

function policyTarget(room: DialInRoom): PolicyTarget {
  return { type: 'conference', id: room.sinchConferenceId };
}
