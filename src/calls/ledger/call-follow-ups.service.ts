import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { CallbackHandlers, type FollowUpContext, type FollowUpEvent } from 'src/calls/handlers/callback-handlers.service';
import { MicroBatcher } from 'src/common/micro-batcher';
import { TaskLane } from 'src/common/task-lane';
import { CallLedger, type PendingEvent } from 'src/calls/ledger/call-ledger.service';
import type { Call } from 'src/calls/call.entity';
import { CallsService } from 'src/calls/calls.service';
import { parseCallbackEvent, type DiceEvent } from 'src/sinch/callback-events';
import type { CallInformation } from 'src/sinch/voice-client';
import { toCallInformation } from 'src/sinch/voice-client.mappers';

// A follow-up still pending this long after its event was stored is retried by the sweeper.
const SWEEP_AFTER_MS = 60_000;
const MAX_ATTEMPTS = 10;
// The webhook's follow-ups run after its 200, this many at once; past FOLLOW_UPS_WAITING waiting their turn, the
// webhook waits for room rather than memory growing. Most follow-ups only ask "is this call one of mine?", and
// those reads are shared by the follow-ups running together (batchedCheck): more at once means fewer, larger
// statements (dice-ingest bench: 16 at once ~650 DiCE/s, 64 ~1,230, 256 ~1,490). The ones with real work (a
// recorded call, a queue caller) each hold a pool connection for a few statements, and 64 of them queued on the
// pool stay a few tens of milliseconds ahead of the webhook's own writes; 256 would be four times that.
const FOLLOW_UPS_RUNNING = 64;
const FOLLOW_UPS_WAITING = 2_000;

export type FollowUpSource = FollowUpContext['source'];

// The reconciler's answer, in the shape DiCE follow-ups already understand.
export function diceFromCallInformation(info: CallInformation, sinchCallId: string): DiceEvent {
  return {
    event: 'dice',
    callId: info.callId ?? sinchCallId,
    result: info.result ?? 'N/A',
    reason: info.reason ?? 'N/A',
    duration: info.duration,
    debit: info.debit,
    userRate: info.userRate,
    timestamp: info.timestamp,
    custom: info.custom,
    to: info.to,
    from: info.from?.endpoint,
    raw: info.raw,
  };
}

// Runs the registered DiCE / Notify follow-ups of a stored event and marks it processed; the sweeper retries
// the ones a crash or a failing handler left pending, so none is lost (handlers are idempotent by contract).
@Injectable()
export class CallFollowUps implements OnApplicationShutdown {
  private readonly logger = new Logger('CallFollowUps');
  private readonly processed: MicroBatcher<string, void>;
  private readonly lane = new TaskLane({ maxRunning: FOLLOW_UPS_RUNNING, maxWaiting: FOLLOW_UPS_WAITING });

  constructor(
    private readonly handlers: CallbackHandlers,
    private readonly ledger: CallLedger,
    private readonly calls: CallsService,
  ) {
    this.processed = new MicroBatcher<string, void>({
      maxBatch: 500,
      maxConcurrent: 2,
      run: async (ids) => {
        await this.ledger.markProcessed(ids);
        return ids.map(() => undefined);
      },
    });
  }

  async run(eventId: string, event: FollowUpEvent, ctx: { callId?: string; finalised: boolean; source: FollowUpSource }): Promise<boolean> {
    // Read once for all the handlers that ask (each runs after the event's own statement: the row is final for it).
    let call: Promise<Call | null> | undefined;
    const failures = await this.handlers.followUp(event, {
      ...ctx,
      call: () => (call ??= ctx.callId ? this.calls.findById(ctx.callId) : Promise.resolve(null)),
    });
    if (failures.length > 0) {
      await this.ledger.markFollowUpFailed(eventId);
      return false;
    }
    await this.processed.push(eventId);
    return true;
  }

  // The webhook's way: the event is durable already, so its follow-ups need not hold its 200. Resolves once they are
  // taken; one this process never runs (a crash) stays pending, and the sweeper runs it.
  schedule(eventId: string, event: FollowUpEvent, ctx: { callId?: string; finalised: boolean; source: FollowUpSource }): Promise<void> {
    return this.lane.submit(() =>
      this.run(eventId, event, ctx).then(
        () => undefined,
        (err: unknown) => this.logger.warn({ err, eventId }, 'Follow-ups not run now; the sweeper will retry them'),
      ),
    );
  }

  async sweep(now = new Date()): Promise<number> {
    const pending = await this.ledger.pendingFollowUps(new Date(now.getTime() - SWEEP_AFTER_MS), MAX_ATTEMPTS, 200);
    let done = 0;
    for (const item of pending) {
      const replay = await this.replayable(item);
      if (!replay) {
        await this.ledger.markProcessed([item.id]);
        continue;
      }
      if (await this.run(item.id, replay.event, replay.ctx)) done++;
    }
    if (pending.length > 0) this.logger.log(`Follow-up sweep: ${done} of ${pending.length} pending events processed`);
    return done;
  }

  private async replayable(
    item: PendingEvent,
  ): Promise<{ event: FollowUpEvent; ctx: { callId?: string; finalised: boolean; source: FollowUpSource } } | undefined> {
    const call = item.callId ? await this.calls.findById(item.callId) : null;
    const callId = item.callId ?? undefined;
    if (item.kind === 'reconciled') {
      const info = toCallInformation(item.payload);
      return {
        event: diceFromCallInformation(info, call?.sinchCallId ?? ''),
        ctx: { callId, finalised: call?.finalSource === 'reconciled', source: 'reconciled' },
      };
    }
    if (item.kind !== 'dice' && item.kind !== 'notify') return undefined;
    const event = parseCallbackEvent(item.payload) as FollowUpEvent;
    const finalised = item.kind === 'dice' && call?.finalSource === 'dice';
    return { event, ctx: { callId, finalised, source: item.kind } };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.lane.drain();
    await this.processed.drain();
  }
}
