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
import { ReconcilerProcessor, ReconcilerSchedule } from 'src/calls/reconciler.processor';
import { QUEUES } from 'src/common/queues';

// The call log and billing record: call rows, their event timeline, the admin API and the reconciler.
// Other features write calls through CalloutsService.place (which uses CallsService) and read them only through
// CallsQueryService's specific questions (spend, totals, a call's events, recent calls to a number); CallFollowUps /
// CallLedger are the webhook's and the reconciler's.
@Module({
  imports: [TypeOrmModule.forFeature([Call, CallEvent]), BullModule.registerQueue({ name: QUEUES.reconciler }), CallbackHandlersModule],
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
    ReconcilerSchedule,
  ],
  exports: [TypeOrmModule, CallsService, CallsQueryService, CallLedger, CallFollowUps, CallMetrics],
})
export class CallsModule {}
