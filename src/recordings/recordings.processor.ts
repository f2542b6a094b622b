import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { runJob, type JobHandlers } from 'src/jobs/job-declaration';
import { RecordingSweeper } from './recording-sweeper.service';
import { RECORDING_JOBS } from './recordings.jobs';

@Processor(RECORDING_JOBS.queue, { concurrency: 1 })
export class RecordingsProcessor extends WorkerHost {
  readonly jobHandlers: JobHandlers<typeof RECORDING_JOBS> = {
    missing: async () => ({ missing: (await this.sweeper.detectMissing()).length }),
    retention: async () => ({ erased: (await this.sweeper.enforceRetention()).length }),
  };

  constructor(private readonly sweeper: RecordingSweeper) {
    super();
  }

  process(job: Job): Promise<unknown> {
    return runJob(this.jobHandlers, job);
  }
}
