import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { runJob, type JobHandlers } from 'src/jobs/job-declaration';
import { BUDGET_JOBS } from './budgets.jobs';
import { BudgetsService } from './budgets.service';

@Processor(BUDGET_JOBS.queue, { concurrency: 4 })
export class BudgetsProcessor extends WorkerHost {
  readonly jobHandlers: JobHandlers<typeof BUDGET_JOBS> = {
    check: () => this.budgets.check(),
    deliver: (job) => this.budgets.deliver(job.data.alertId, job.data.url, job.attemptsMade + 1),
  };

  constructor(private readonly budgets: BudgetsService) {
    super();
  }

  process(job: Job): Promise<unknown> {
    return runJob(this.jobHandlers, job);
  }
}
