import { BullModule, Processor } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from 'src/auth/auth.module';
import { CallsModule } from 'src/calls/calls.module';
import { IdempotencyModule } from 'src/common/idempotency/idempotency.module';
import { QUEUES } from 'src/common/queues';
import { ComplianceModule } from 'src/compliance/compliance.module';
import { AppConfig } from 'src/config/app-config';
import { CalloutMetrics } from './callout-metrics';
import { CalloutRecordingHandler } from './callout-recording.handler';
import { CalloutsController } from './callouts.controller';
import { CalloutsService } from './callouts.service';
import { CalloutDialer } from './queue/callout-dialer';
import { CalloutQueue } from './queue/callout-queue';
import { CalloutSweeper } from './queue/callout-sweeper';
import { calloutWorkerOptions, CalloutsProcessor } from './queue/callouts.processor';
import { QueueDashboard } from './queue-dashboard';

// Callouts: the admin API, the paced `callouts` queue and its worker, the sweep, the queue dashboard.
// Global so other features inject CalloutQueue (to hand over the calls they create).
@Module({})
export class CalloutsModule {
  static forRoot(config: AppConfig): DynamicModule {
    // @Processor takes worker options (pace, concurrency, locks) statically; they come from configuration, so each
    // app gets its own decorated subclass.
    @Processor(QUEUES.callouts, calloutWorkerOptions(config))
    class ConfiguredCalloutsProcessor extends CalloutsProcessor {}

    return {
      module: CalloutsModule,
      global: true,
      imports: [BullModule.registerQueue({ name: QUEUES.callouts }), IdempotencyModule, ComplianceModule, CallsModule, AuthModule],
      controllers: [CalloutsController],
      providers: [
        CalloutsService,
        CalloutQueue,
        CalloutDialer,
        CalloutSweeper,
        CalloutMetrics,
        CalloutRecordingHandler,
        QueueDashboard,
        ConfiguredCalloutsProcessor,
      ],
      exports: [CalloutQueue, CalloutsService],
    };
  }
}
