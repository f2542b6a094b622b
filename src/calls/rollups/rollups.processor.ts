import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AppConfig } from 'src/config/app-config';
import { runJobLogged, type JobHandlers } from 'src/jobs/job-declaration';
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

  process(job: Job): Promise<unknown> {
    return runJobLogged(this.jobHandlers, job, { logger: this.logger, message: 'Roll-up job done', level: 'log' });
  }
}
