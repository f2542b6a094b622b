import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AppConfig } from 'src/config/app-config';
import { runJob, type JobHandlers } from 'src/jobs/job-declaration';
import { RollupCheck } from 'src/calls/rollups/rollup-check.service';
import { ROLLUP_JOBS } from 'src/calls/rollups/rollups.jobs';

@Processor(ROLLUP_JOBS.queue, { concurrency: 1 })
export class RollupsProcessor extends WorkerHost {
  private readonly logger = new Logger('Rollups');

  readonly jobHandlers: JobHandlers<typeof ROLLUP_JOBS> = {
    check: () => this.check.checkRecent(this.config.reports.checkDays),
  };

  constructor(
    private readonly check: RollupCheck,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    const started = Date.now();
    const result = await runJob(this.jobHandlers, job);
    this.logger.log({ job: job.name, ms: Date.now() - started, ...(result as object) }, 'Roll-up job done');
    return result;
  }
}
