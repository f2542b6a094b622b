import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { AuthModule } from 'src/auth/auth.module';
import { CallbacksModule } from 'src/callbacks/callbacks.module';
import { CalloutsModule } from 'src/callouts/callouts.module';
import { CallsModule } from 'src/calls/calls.module';
import { CampaignsModule } from 'src/campaigns/campaigns.module';
import { ComplianceModule } from 'src/compliance/compliance.module';
import { AllExceptionsFilter } from 'src/common/all-exceptions.filter';
import { LoggerModule } from 'src/common/logger.module';
import { NoBodyInterceptor } from 'src/common/no-body.interceptor';
import { createValidationPipe } from 'src/common/validation';
import { AppConfig } from 'src/config/app-config';
import { ConfigModule } from 'src/config/config.module';
import { DatabaseModule } from 'src/database/database.module';
import { EmbeddedSimulatorModule } from 'src/embedded-simulator.module';
import { HealthModule } from 'src/health/health.module';
import { JobsModule } from 'src/jobs/jobs.module';
import { MetricsModule } from 'src/metrics/metrics.module';
import { NumbersModule } from 'src/numbers/numbers.module';
import { RedisModule } from 'src/redis/redis.module';
import { SinchModule } from 'src/sinch/sinch.module';
import { EventsModule } from 'src/events/events.module';
import { ConferencesModule } from 'src/conferences/conferences.module';
import { QueuesModule } from 'src/queues/queues.module';
import { RecordingsModule } from 'src/recordings/recordings.module';
import { ReportsModule } from 'src/reports/reports.module';

// Feature modules are listed here; each owns its entities, jobs, controllers and processors.
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule,
        DatabaseModule,
        RedisModule,
        JobsModule,
        MetricsModule,
        HealthModule,
        AuthModule,
        EventsModule,
        SinchModule.forRoot(EmbeddedSimulatorModule),
        CallsModule,
        CalloutsModule.forRoot(config),
        CallbacksModule,
        ComplianceModule,
        CampaignsModule,
        NumbersModule,
        ConferencesModule,
        QueuesModule,
        RecordingsModule,
        ReportsModule,
      ],
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_INTERCEPTOR, useClass: NoBodyInterceptor },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
    };
  }
}
