import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { AuthModule } from 'src/auth/auth.module';
import { INBOX_JOBS } from 'src/callbacks/inbox/callback-inbox.jobs';
import { CallbackInboxProcessor } from 'src/callbacks/inbox/callback-inbox.processor';
import { CallbackIntake } from 'src/callbacks/callback-intake.service';
import { CallbackMetrics } from 'src/callbacks/callback-metrics.service';
import { DeadLetters } from 'src/callbacks/inbox/dead-letters.service';
import { EventInbox } from 'src/callbacks/inbox/event-inbox.service';
import { CallsModule } from 'src/calls/calls.module';

// The Sinch webhook: verification, the inbox (Postgres, Redis fallback) and dispatch to registered handlers.
@Module({
  imports: [AuthModule, CallsModule, BullModule.registerQueue({ name: INBOX_JOBS.queue })],
  providers: [CallbackIntake, CallbackMetrics, DeadLetters, EventInbox, CallbackInboxProcessor],
  // The webhook route itself is registered on the server by webhook-route.ts (outside Nest's router).
})
export class CallbacksModule {}
