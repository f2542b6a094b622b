import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { AuthModule } from 'src/auth/auth.module';
import { CallbackInboxProcessor } from 'src/callbacks/callback-inbox.processor';
import { CallbackIntake } from 'src/callbacks/callback-intake.service';
import { CallbackMetrics } from 'src/callbacks/callback-metrics';
import { DeadLetters } from 'src/callbacks/dead-letters';
import { EventInbox } from 'src/callbacks/event-inbox';
import { WebhookController } from 'src/callbacks/webhook.controller';
import { CallsModule } from 'src/calls/calls.module';
import { QUEUES } from 'src/common/queues';

// The Sinch webhook: verification, the inbox (Postgres, Redis fallback) and dispatch to registered handlers.
@Module({
  imports: [AuthModule, CallsModule, BullModule.registerQueue({ name: QUEUES.callbackInbox })],
  controllers: [WebhookController],
  providers: [CallbackIntake, CallbackMetrics, DeadLetters, EventInbox, CallbackInboxProcessor],
})
export class CallbacksModule {}
