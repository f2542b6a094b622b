import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AuthModule } from './auth/auth.module';
import { CallbacksModule } from './callbacks/callbacks.module';
import { CalloutsModule } from './callouts/callouts.module';
import { CallsModule } from './calls/calls.module';
import { CampaignsModule } from './campaigns/campaigns.module';
import { ReportsModule } from './reports/reports.module';
import { ComplianceModule } from './compliance/compliance.module';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { LoggerModule } from './common/logger.module';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { EmbeddedSimulatorModule } from './embedded-simulator.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { MetricsModule } from './metrics/metrics.module';
import { NumbersModule } from './numbers/numbers.module';
import { RedisModule } from './redis/redis.module';
import { SinchModule } from './sinch/sinch.module';

// Feature modules are listed here; each owns its entities, queues, controllers and processors.
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
        SinchModule.forRoot(EmbeddedSimulatorModule),
        CallsModule,
        CalloutsModule.forRoot(config),
        CallbacksModule,
        ComplianceModule,
        CampaignsModule,
        NumbersModule,
        ReportsModule,
      ],
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
    };
  }
}
