import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CallbackHandlersModule } from 'src/callbacks/callback-handlers.module';
import { Call } from 'src/calls/call.entity';
import { CallControlService } from 'src/calls/call-control.service';
import { CallEvent } from 'src/calls/call-event.entity';
import { CallFollowUps } from 'src/calls/call-follow-ups';
import { CallLedger } from 'src/calls/call-ledger';
import { CallMetrics } from 'src/calls/call-metrics';
import { CallReconciler } from 'src/calls/call-reconciler';
import { CallsController } from 'src/calls/calls.controller';
import { CallsQueryService } from 'src/calls/calls-query.service';
import { CallsService } from 'src/calls/calls.service';
import { RECONCILER_JOBS } from 'src/calls/reconciler.jobs';
import { ReconcilerProcessor } from 'src/calls/reconciler.processor';

// The call log and billing record: call rows, their event timeline, the admin API and the reconciler.
// Other features use CallsService and CallsQueryService (a call's timeline: the campaign dialer reads AMD and menu
// results from it); CallFollowUps / CallLedger are the webhook's.
@Module({
  imports: [TypeOrmModule.forFeature([Call, CallEvent]), BullModule.registerQueue({ name: RECONCILER_JOBS.queue }), CallbackHandlersModule],
  controllers: [CallsController],
  providers: [
    CallsService,
    CallLedger,
    CallFollowUps,
    CallMetrics,
    CallsQueryService,
    CallControlService,
    CallReconciler,
    ReconcilerProcessor,
  ],
  exports: [TypeOrmModule, CallsService, CallsQueryService, CallLedger, CallFollowUps, CallMetrics],
})
export class CallsModule {}
