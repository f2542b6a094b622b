import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobRuntime } from 'src/jobs/job-runtime.service';

// Imported once by the app; features register their queues with BullModule.registerQueue({ name: X_JOBS.queue }).
@Module({
  imports: [DiscoveryModule],
  providers: [JobRuntime],
  exports: [JobRuntime],
})
export class JobsModule {}
