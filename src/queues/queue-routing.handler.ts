import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CallbackHandlers, type AnswerContext, type FollowUpContext } from 'src/calls/handlers/callback-handlers.service';
import { decodeCallCustom } from 'src/calls/call-custom';
import { buildSvaml, svaml } from 'src/sinch/svaml/svaml.builders';
import { RouteTargets, type TargetCall } from 'src/numbers/routing/route-targets.service';
import { RecordingPolicies, type PolicyTarget } from 'src/recordings/recording-policies.service';
import type { AceEvent, DiceEvent, PieEvent } from 'src/sinch/callback-events';
import type { Svaml } from 'src/sinch/svaml/svaml.types';
import { AppConfig } from 'src/config/app-config';
import { CALLBACK_KEY, ENTRY_KEY, QueueDistribution, roomOf } from './queue-distribution.service';
import { QueueCallbacks } from './queue-callbacks.service';
import { QueueEntries, type NewEntry } from './queue-entries.service';
import { messageAndHangup, parkSvaml, voicemailSvaml } from './queue-prompts';

import { QueuesService } from './queues.service';
import type { Queue } from './queue.entity';

const FULL_MESSAGE = 'We are sorry, all our lines are busy. Please call again later.';

// A queue's recording targets, most specific first: the queue, then the number the caller dialled.
const recordingTargets = (queueId: string, dialled: string): PolicyTarget[] => [
  { type: 'queue', id: queueId },
  { type: 'route', id: dialled },
];

// A caller asked "press 9 to not be recorded" before being parked: the consent menu's id carries what the entry
// needs (its PIE may reach another api process, and the PIE answer may not query).
const CONSENT_MENU = 'rq:';
type PendingEntry = Omit<NewEntry, 'overflowed'>;

function consentMenuId(entry: PendingEntry): string {
  const fields = [entry.queueId, entry.enqueuedAt.getTime(), entry.fromNumber ?? '', entry.dialled ?? '', entry.entryRoute, entry.overflowedFrom ?? ''];
  return CONSENT_MENU + Buffer.from(JSON.stringify(fields)).toString('base64url');
}

function pendingOf(menuId: string | undefined, sinchCallId: string): PendingEntry | undefined {
  if (!menuId?.startsWith(CONSENT_MENU)) return undefined;
  try {
    const [queueId, at, from, dialled, entryRoute, overflowedFrom] = JSON.parse(Buffer.from(menuId.slice(CONSENT_MENU.length), 'base64url').toString()) as [
      string,
      number,
      string,
      string,
      string,
      string,
    ];
    if (typeof queueId !== 'string' || !Number.isFinite(at)) return undefined;
    return {
      queueId,
      sinchCallId,
      enqueuedAt: new Date(at),
      entryRoute,
      ...(from ? { fromNumber: from } : {}),
      ...(dialled ? { dialled } : {}),
      ...(overflowedFrom ? { overflowedFrom } : {}),
    };
  } catch {
    return undefined;
  }
}

// The queues feature's part of inbound calls: a number routed to a queue parks the caller (answered from memory,
// the entry written after the answer), and the caller's DiCE ends the wait.
@Injectable()
export class QueueRoutingHandler implements OnModuleInit, OnModuleDestroy {
  private readonly unregister: (() => void)[] = [];

  constructor(
    private readonly targets: RouteTargets,
    private readonly handlers: CallbackHandlers,
    private readonly queues: QueuesService,
    private readonly entries: QueueEntries,
    private readonly distribution: QueueDistribution,
    private readonly config: AppConfig,
    private readonly recording: RecordingPolicies,
    private readonly callbacks: QueueCallbacks,
  ) {}

  onModuleInit(): void {
    this.unregister.push(
      this.targets.register('queue', { exists: (id) => this.queues.exists(id), answer: (id, call) => this.answer(id, call) }),
      this.handlers.register({
        name: 'queues',
        ace: (event, ctx) => this.ace(event, ctx),
        pie: (event) => this.pie(event),
        dice: (event, ctx) => this.dice(event, ctx),
      }),
      // Queue calls record by the queue's policy (before the number route's), asking the opt-out question.
      this.recording.registerTarget('queue', (id) => this.queues.exists(id), { optOut: true }),
    );
  }

  onModuleDestroy(): void {
    this.unregister.forEach((off) => off());
  }

  private answer(queueId: string, call: TargetCall): Svaml {
    const queue = this.queues.cached(queueId);
    // Deleted since the route was cached: the numbers handler logs it and the caller gets the next answer.
    if (!queue) throw new Error(`queue ${queueId} is not loaded`);
    const entry = { sinchCallId: call.sinchCallId, fromNumber: call.from, dialled: call.dialled, enqueuedAt: call.receivedAt };
    const entryRoute = call.via ?? 'number';
    const decided = call.recordingDecided === true;
    if (this.queues.admit(queue)) return this.park(queue, { ...entry, queueId, entryRoute }, decided);
    // Full: the overflow action, decided from memory like the park itself.
    const overflow = queue.overflowWhenFull;
    const target = overflow?.type === 'queue' ? this.queues.cached(overflow.queueId) : undefined;
    if (target && this.queues.admit(target))
      return this.park(target, { ...entry, queueId: target.id, entryRoute: 'overflow', overflowedFrom: queueId }, decided);
    this.entries.enqueueLater({ ...entry, queueId, entryRoute, overflowed: true });
    switch (overflow?.type) {
      case 'forward':
        // At the door the ICE can connect the caller straight through, showing the number they dialled.
        return buildSvaml(svaml.connectPstn(overflow.number, { cli: call.dialled, ...(queue.locale ? { locale: queue.locale } : {}) }));
      case 'voicemail':
        return voicemailSvaml(overflow.prompt, overflow.maxSeconds, queue.locale);
      case 'message':
        return messageAndHangup(overflow.text, queue.locale);
      default:
        return messageAndHangup(FULL_MESSAGE, queue.locale);
    }
  }

  // Parked with the queue's recording policy; with "press 9 to not be recorded" the consent menu comes first and the
  // entry is written at its PIE (a caller still in the menu is not offered to an agent). Behind an IVR menu whose
  // route decided the recording (the caller heard its notice or answered its question), the queue leaves it be.
  private park(queue: Queue, entry: PendingEntry, recordingDecided: boolean): Svaml {
    const locale = queue.locale ?? undefined;
    if (recordingDecided) {
      this.entries.enqueueLater(entry);
      return parkSvaml(queue, this.config.queues.parkS);
    }
    const targets = recordingTargets(queue.id, entry.dialled ?? '');
    const ask = this.recording.consentMenu(targets, consentMenuId(entry), locale);
    if (ask) return ask;
    this.entries.enqueueLater(entry);
    return this.recording.applyTo(parkSvaml(queue, this.config.queues.parkS), targets, locale);
  }

  // The consent menu answered (a key, or none): parked, recorded unless the caller declined.
  private pie(event: PieEvent): Svaml | undefined {
    const offer = this.callbacks.pie(event);
    if (offer) {
      // The caller chose a callback while an agent's leg rang for them: that leg is cancelled (its DiCE frees the agent).
      void offer.requested?.then((agentCallId) => (agentCallId ? this.distribution.callerLeft(agentCallId) : undefined));
      return offer.answer;
    }
    const entry = pendingOf(event.menuResult?.menuId, event.callId);
    if (!entry) return undefined;
    const queue = this.queues.cached(entry.queueId);
    if (!queue) return messageAndHangup(FULL_MESSAGE, null);
    this.entries.enqueueLater(entry);
    const locale = queue.locale ?? undefined;
    return this.recording.afterConsent(event.menuResult, parkSvaml(queue, this.config.queues.parkS), recordingTargets(queue.id, entry.dialled ?? ''), locale);
  }

  // The agent answered their leg: into the caller's room (the OpenAPI: a conference callout's ACE answer must
  // connect the conference); the caller is unparked there after this answer, off Sinch's wait.
  private ace(event: AceEvent, ctx: AnswerContext): Svaml | undefined {
    const calledBack = ctx.custom?.extra?.[CALLBACK_KEY];
    if (typeof calledBack === 'string') {
      // A called-back caller answered: into their room with music, in line again for the next free agent.
      void this.callbacks.answered(calledBack, event.callId).then((ok) => (ok ? this.distribution.kick() : undefined));
      return buildSvaml(svaml.connectConf(roomOf(calledBack), { moh: 'music1' }));
    }
    const entryId = ctx.custom?.extra?.[ENTRY_KEY];
    if (typeof entryId !== 'string') return undefined;
    void this.distribution.agentAnswered(entryId, event.callId);
    return buildSvaml(svaml.connectConf(roomOf(entryId)));
  }

  private async dice(event: DiceEvent, ctx: FollowUpContext): Promise<void> {
    const extra = decodeCallCustom(event.custom)?.extra;
    const calledBack = extra?.[CALLBACK_KEY];
    // A callback that never answered ends here; an answered one ends as any waiting or connected caller.
    if (typeof calledBack === 'string' && ctx.callId && (await this.callbacks.notAnswered(calledBack, ctx.callId, event.result))) {
      this.distribution.kick();
      return;
    }
    const entryId = extra?.[ENTRY_KEY];
    if (typeof entryId === 'string') {
      if (ctx.callId) await this.distribution.agentLegEnded(entryId, ctx.callId, event.result);
      return;
    }
    if (!(await this.entries.isLive(event.callId))) return;
    const ringing = await this.callbacks.settled(event.callId, ctx.callId);
    if (ringing) await this.distribution.callerLeft(ringing);
    const ended = await this.entries.ended(event.callId, event.timestamp ?? new Date());
    if (ended?.agentCallId && (ended.was === 'offered' || ended.was === 'connected')) await this.distribution.callerLeft(ended.agentCallId);
  }
}
