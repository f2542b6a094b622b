import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CallbackHandlers, type AnswerContext, type FollowUpContext } from 'src/calls/handlers/callback-handlers.service';
import { decodeCallCustom } from 'src/calls/call-custom';
import { buildSvaml, svaml } from 'src/sinch/svaml/svaml.builders';
import { RouteTargets, type TargetCall } from 'src/numbers/routing/route-targets.service';
import type { AceEvent, DiceEvent } from 'src/sinch/callback-events';
import type { Svaml } from 'src/sinch/svaml/svaml.types';
import { AppConfig } from 'src/config/app-config';
import { ENTRY_KEY, QueueDistribution, roomOf } from './queue-distribution.service';
import { QueueEntries } from './queue-entries.service';
import { messageAndHangup, parkSvaml } from './queue-prompts';

const FULL_MESSAGE = 'We are sorry, all our lines are busy. Please call again later.';
import { QueuesService } from './queues.service';

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
  ) {}

  onModuleInit(): void {
    this.unregister.push(
      this.targets.register('queue', { exists: (id) => this.queues.exists(id), answer: (id, call) => this.answer(id, call) }),
      this.handlers.register({ name: 'queues', ace: (event, ctx) => this.ace(event, ctx), dice: (event, ctx) => this.dice(event, ctx) }),
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
    if (this.queues.admit(queue)) {
      this.entries.enqueueLater({ ...entry, queueId, entryRoute: 'number' });
      return parkSvaml(queue, this.config.queues.parkS);
    }
    // Full: the overflow action, decided from memory like the park itself.
    const overflow = queue.overflowWhenFull;
    const target = overflow?.type === 'queue' ? this.queues.cached(overflow.queueId) : undefined;
    if (target && this.queues.admit(target)) {
      this.entries.enqueueLater({ ...entry, queueId: target.id, entryRoute: 'overflow', overflowedFrom: queueId });
      return parkSvaml(target, this.config.queues.parkS);
    }
    this.entries.enqueueLater({ ...entry, queueId, entryRoute: 'number', overflowed: true });
    return messageAndHangup(overflow?.type === 'message' ? overflow.text : FULL_MESSAGE, queue.locale);
  }

  // The agent answered their leg: into the caller's room (the OpenAPI: a conference callout's ACE answer must
  // connect the conference); the caller is unparked there after this answer, off Sinch's wait.
  private ace(event: AceEvent, ctx: AnswerContext): Svaml | undefined {
    const entryId = ctx.custom?.extra?.[ENTRY_KEY];
    if (typeof entryId !== 'string') return undefined;
    void this.distribution.agentAnswered(entryId, event.callId);
    return buildSvaml(svaml.connectConf(roomOf(entryId)));
  }

  private async dice(event: DiceEvent, ctx: FollowUpContext): Promise<void> {
    const entryId = decodeCallCustom(event.custom)?.extra?.[ENTRY_KEY];
    if (typeof entryId === 'string') {
      if (ctx.callId) await this.distribution.agentLegEnded(entryId, ctx.callId, event.result);
      return;
    }
    const ended = await this.entries.ended(event.callId, event.timestamp ?? new Date());
    if (ended?.agentCallId && (ended.was === 'offered' || ended.was === 'connected')) await this.distribution.callerLeft(ended.agentCallId);
  }
}
