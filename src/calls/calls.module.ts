import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Call } from 'src/calls/call.entity';
import { CallControlService } from 'src/calls/call-control.service';
import { CallEvent } from 'src/calls/call-event.entity';
import { CallFollowUps } from 'src/calls/ledger/call-follow-ups.service';
import { CallLedger } from 'src/calls/ledger/call-ledger.service';
import { CallMetrics } from 'src/calls/call-metrics.service';
import { CallReconciler } from 'src/calls/reconciler/call-reconciler.service';
import { CallsController } from 'src/calls/calls.controller';
import { CallsQueryService } from 'src/calls/calls-query.service';
import { CallsService } from 'src/calls/calls.service';
import { CallbackHandlers } from 'src/calls/handlers/callback-handlers.service';
import { RECONCILER_JOBS } from 'src/calls/reconciler/reconciler.jobs';
import { CallRollup } from 'src/calls/rollups/call-rollup.entity';
import { CallRollups } from 'src/calls/rollups/call-rollups.service';
import { RollupCheck } from 'src/calls/rollups/rollup-check.service';
import { ROLLUP_JOBS } from 'src/calls/rollups/rollups.jobs';
import { RollupsProcessor } from 'src/calls/rollups/rollups.processor';
import { ReconcilerProcessor } from 'src/calls/reconciler/reconciler.processor';

// The calls layer's contract beyond the providers below (src/architecture.spec.ts counts these files as public):
// the call row and its states as types and pure helpers, and the `custom` codec every callout carries.
export type { Call, CallState } from 'src/calls/call.entity';
export { finalStateFor, isFinalState } from 'src/calls/call-state';
export { CallCustomError, decodeCallCustom, encodeCallCustom, type CallCustom, type CallCustomExtra } from 'src/calls/call-custom';
export type { CallTotals, MoneyTotal } from 'src/calls/calls-query.service';

// The call log and billing record: call rows, their event timeline, the admin API, the reconciler and the callback
// handler registry. Other features use CallsService and CallsQueryService (a call's timeline: the campaign dialer
// reads AMD and menu results from it) and register their callback handlers on CallbackHandlers (import CallsModule).
// Other features write calls through CalloutsService.place (which uses CallsService) and read them only through
// CallsQueryService's specific questions (spend, totals, a call's events, recent calls to a number); CallFollowUps /
// CallLedger are the webhook's and the reconciler's.
@Module({
  imports: [
    TypeOrmModule.forFeature([Call, CallEvent, CallRollup]),
    BullModule.registerQueue({ name: RECONCILER_JOBS.queue }),
    BullModule.registerQueue({ name: ROLLUP_JOBS.queue }),
  ],
  controllers: [CallsController],
  providers: [
    CallbackHandlers,
    CallsService,
    CallLedger,
    CallFollowUps,
    CallMetrics,
    CallsQueryService,
    CallControlService,
    CallReconciler,
    ReconcilerProcessor,
    CallRollups,
    RollupCheck,
    RollupsProcessor,
  ],
  exports: [TypeOrmModule, CallbackHandlers, CallsService, CallsQueryService, CallLedger, CallFollowUps, CallMetrics, CallRollups, RollupCheck],
})
export class CallsModule {}
