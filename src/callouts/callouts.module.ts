import { BullModule, Processor } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from 'src/auth/auth.module';
import { CallsModule } from 'src/calls/calls.module';
import { CALLOUT_JOBS } from 'src/callouts/callout.jobs';
import { IdempotencyModule } from 'src/common/idempotency/idempotency.module';
import { ComplianceModule } from 'src/compliance/compliance.module';
import { AppConfig } from 'src/config/app-config';
import { JobsModule } from 'src/jobs/jobs.module';
import { CallerIdPoolResolver } from './caller-id-pools.service';
import { CalloutCostEstimator, CalloutSpendGate } from './callout-cost';
import { CalloutMetrics } from './callout-metrics.service';
import { CalloutRecordingHandler } from './callout-recording.handler';
import { CalloutsController } from './callouts.controller';
import { CalloutsService } from './callouts.service';
import { CalloutDialer } from 'src/callouts/dialing/callout-dialer.service';
import { CalloutJobs } from 'src/callouts/dialing/callout-jobs.service';
import { CalloutSweeper } from 'src/callouts/dialing/callout-sweeper.service';
import { calloutWorkerOptions, CalloutsProcessor } from 'src/callouts/dialing/callouts.processor';
import { JobsDashboard } from './jobs-dashboard.service';

// Callouts: the admin API, the one public way to place a call (CalloutsService.place), the paced `callouts` jobs
// and their worker, the sweep, the jobs dashboard. Global so other features inject CalloutsService.
@Module({})
export class CalloutsModule {
  static forRoot(config: AppConfig): DynamicModule {
    // @Processor takes worker options (pace, concurrency, locks) statically; they come from configuration, so each
    // app gets its own decorated subclass.
    @Processor(CALLOUT_JOBS.queue, calloutWorkerOptions(config))
    class ConfiguredCalloutsProcessor extends CalloutsProcessor {}

    return {
      module: CalloutsModule,
      global: true,
      imports: [BullModule.registerQueue({ name: CALLOUT_JOBS.queue }), JobsModule, IdempotencyModule, ComplianceModule, CallsModule, AuthModule],
      controllers: [CalloutsController],
      providers: [
        CalloutsService,
        CallerIdPoolResolver,
        CalloutCostEstimator,
        CalloutSpendGate,
        CalloutJobs,
        CalloutDialer,
        CalloutSweeper,
        CalloutMetrics,
        CalloutRecordingHandler,
        JobsDashboard,
        ConfiguredCalloutsProcessor,
      ],
      exports: [CalloutJobs, CalloutsService, CallerIdPoolResolver, CalloutCostEstimator, CalloutSpendGate],
    };
  }
}
