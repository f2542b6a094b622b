import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { runJob, type JobHandlers } from 'src/jobs/job-declaration';
import { QueueEntries } from './queue-entries.service';
import { QUEUES_JOBS } from './queues.jobs';

@Processor(QUEUES_JOBS.queue, { concurrency: 1 })
export class QueuesSweepProcessor extends WorkerHost {
  private readonly logger = new Logger('QueuesSweep');

  readonly jobHandlers: JobHandlers<typeof QUEUES_JOBS> = {
    sweep: () => this.entries.sweep(),
  };

  constructor(private readonly entries: QueueEntries) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    const started = Date.now();
    const result = (await runJob(this.jobHandlers, job)) as { reparked: number; overflowed: number };
    if (result.reparked + result.overflowed > 0) this.logger.debug({ job: job.name, ms: Date.now() - started, ...result }, 'Queues sweep done');
    return result;
  }
}
