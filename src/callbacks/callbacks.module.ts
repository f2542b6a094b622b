import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { AuthModule } from 'src/auth/auth.module';
import { INBOX_JOBS } from 'src/callbacks/callback-inbox.jobs';
import { CallbackInboxProcessor } from 'src/callbacks/callback-inbox.processor';
import { CallbackIntake } from 'src/callbacks/callback-intake.service';
import { CallbackMetrics } from 'src/callbacks/callback-metrics';
import { DeadLetters } from 'src/callbacks/dead-letters';
import { EventInbox } from 'src/callbacks/event-inbox';
import { WebhookController } from 'src/callbacks/webhook.controller';
import { CallsModule } from 'src/calls/calls.module';

// The Sinch webhook: verification, the inbox (Postgres, Redis fallback) and dispatch to registered handlers.
@Module({
  imports: [AuthModule, CallsModule, BullModule.registerQueue({ name: INBOX_JOBS.queue })],
  controllers: [WebhookController],
  providers: [CallbackIntake, CallbackMetrics, DeadLetters, EventInbox, CallbackInboxProcessor],
})
export class CallbacksModule {}
