import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { runJobLogged, type JobHandlers } from 'src/jobs/job-declaration';
import { NUMBERS_JOBS } from './numbers.jobs';
import { NumbersSync } from './numbers-sync.service';

@Processor(NUMBERS_JOBS.queue, { concurrency: 1 })
export class NumbersSyncProcessor extends WorkerHost {
  private readonly logger = new Logger('NumbersSync');

  readonly jobHandlers: JobHandlers<typeof NUMBERS_JOBS> = {
    sync: async () => {
      const report = await this.sync.sync();
      return { added: report.added.length, released: report.released.length, returned: report.returned.length, reassigned: report.reassigned.length };
    },
  };

  constructor(private readonly sync: NumbersSync) {
    super();
  }

  process(job: Job): Promise<unknown> {
    return runJobLogged(this.jobHandlers, job, { logger: this.logger, message: 'Numbers job done' });
  }
}
