import { Injectable, Logger } from '@nestjs/common';
import type { Call } from 'src/calls/call.entity';
import type { CallCustom } from 'src/calls/call-custom';
import type { AceEvent, DiceEvent, IceEvent, NotifyEvent, PieEvent } from 'src/sinch/callback-events';
import { assertValidSvaml } from 'src/sinch/svaml/svaml.validator';
import type { Svaml } from 'src/sinch/svaml/svaml.types';

// What an ICE / ACE / PIE handler knows when it answers. Answers are synchronous on purpose: they must come from
// memory (cached routing, in-flight call state), never from Sinch or a query, because Sinch is waiting on the line.
export interface AnswerContext {
  // Our calls.id, when `custom` carries it (our own callouts).
  callId?: string;
  custom?: CallCustom;
  receivedAt: Date;
  // Set by the handler that answers an inbound ICE: the route the call took, recorded on its call row.
  route?: string;
}

// What a DiCE / Notify follow-up knows. Follow-ups run after the event is stored (and, for DiCE, after the call
// row is finalised); they may query and write. They can run more than once (a retry after a crash): be idempotent.
export interface FollowUpContext {
  callId?: string;
  // True when this event made the call final (false for a duplicate or a call already finalised).
  finalised: boolean;
  // `reconciled`: no DiCE came; the reconciler asked Sinch and built this DiceEvent from its answer.
  source: 'dice' | 'reconciled' | 'notify';
  call(): Promise<Call | null>;
}

export interface CallbackHandler {
  // For logs and metrics.
  readonly name: string;
  // Lower answers first; default 100.
  readonly priority?: number;
  ice?(event: IceEvent, ctx: AnswerContext): Svaml | undefined;
  ace?(event: AceEvent, ctx: AnswerContext): Svaml | undefined;
  pie?(event: PieEvent, ctx: AnswerContext): Svaml | undefined;
  dice?(event: DiceEvent, ctx: FollowUpContext): Promise<void> | void;
  notify?(event: NotifyEvent, ctx: FollowUpContext): Promise<void> | void;
}

export type AnswerEvent = IceEvent | AceEvent | PieEvent;
export type FollowUpEvent = DiceEvent | NotifyEvent;

export interface FollowUpFailure {
  handler: string;
  error: unknown;
}

// Features register here (in onModuleInit) instead of the webhook knowing them: the first handler that answers an
// ICE / ACE / PIE wins, by priority then registration order; every DiCE / Notify follow-up runs.
@Injectable()
export class CallbackHandlers {
  private readonly logger = new Logger('CallbackHandlers');
  private handlers: CallbackHandler[] = [];

  register(handler: CallbackHandler): () => void {
    this.handlers = [...this.handlers, handler].sort((a, b) => (a.priority ?? 100) - (b.priority ?? 100));
    return () => {
      this.handlers = this.handlers.filter((h) => h !== handler);
    };
  }

  hasFollowUps(kind: 'dice' | 'notify'): boolean {
    return this.handlers.some((h) => typeof h[kind] === 'function');
  }

  // The first valid answer. A handler that throws or answers SVAML that is invalid for this callback is logged
  // and skipped: the caller gets the next answer (ultimately the default) rather than a call Sinch would drop.
  answer(event: AnswerEvent, ctx: AnswerContext): Svaml | undefined {
    for (const handler of this.handlers) {
      let doc: Svaml | undefined;
      try {
        doc = this.invoke(handler, event, ctx);
        if (doc === undefined) continue;
        return assertValidSvaml(doc, event.event);
      } catch (error) {
        this.logger.error({ err: error, handler: handler.name, event: event.event, callId: event.callId }, 'Callback handler failed; trying the next');
      }
    }
    return undefined;
  }

  // Runs every follow-up, each isolated from the others' failures; returns the failures.
  async followUp(event: FollowUpEvent, ctx: FollowUpContext): Promise<FollowUpFailure[]> {
    const failures: FollowUpFailure[] = [];
    for (const handler of this.handlers) {
      try {
        if (event.event === 'dice') await handler.dice?.(event, ctx);
        else await handler.notify?.(event, ctx);
      } catch (error) {
        failures.push({ handler: handler.name, error });
        this.logger.error({ err: error, handler: handler.name, event: event.event, callId: event.callId }, 'Callback follow-up failed');
      }
    }
    return failures;
  }

  private invoke(handler: CallbackHandler, event: AnswerEvent, ctx: AnswerContext): Svaml | undefined {
    switch (event.event) {
      case 'ice':
        return handler.ice?.(event, ctx);
      case 'ace':
        return handler.ace?.(event, ctx);
      case 'pie':
        return handler.pie?.(event, ctx);
    }
  }
}
