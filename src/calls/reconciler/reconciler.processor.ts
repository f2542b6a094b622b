import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { CallFollowUps } from 'src/calls/ledger/call-follow-ups.service';
import { CallReconciler } from 'src/calls/reconciler/call-reconciler.service';
import { RECONCILER_JOBS } from 'src/calls/reconciler/reconciler.jobs';
import { runJobLogged, type JobHandlers } from 'src/jobs/job-declaration';

@Processor(RECONCILER_JOBS.queue, { concurrency: 1 })
export class ReconcilerProcessor extends WorkerHost {
  private readonly logger = new Logger('Reconciler');

  readonly jobHandlers: JobHandlers<typeof RECONCILER_JOBS> = {
    reconcile: () => this.reconciler.reconcileDue(),
    'sweep-follow-ups': async () => ({ processed: await this.followUps.sweep() }),
  };

  constructor(
    private readonly reconciler: CallReconciler,
    private readonly followUps: CallFollowUps,
  ) {
    super();
  }

  process(job: Job): Promise<unknown> {
    return runJobLogged(this.jobHandlers, job, { logger: this.logger, message: 'Reconciler job done' });
  }
}
