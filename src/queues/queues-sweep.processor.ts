import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { runJobLogged, type JobHandlers } from 'src/jobs/job-declaration';
import { QueueCallbacks } from './queue-callbacks.service';
import { QueueDistribution } from './queue-distribution.service';
import { QueueEntries } from './queue-entries.service';
import { QUEUES_JOBS } from './queues.jobs';

@Processor(QUEUES_JOBS.queue, { concurrency: 1 })
export class QueuesSweepProcessor extends WorkerHost {
  private readonly logger = new Logger('QueuesSweep');

  readonly jobHandlers: JobHandlers<typeof QUEUES_JOBS> = {
    sweep: async () => {
      const parks = await this.entries.sweep();
      const offers = await this.distribution.sweepOffers();
      const callbacks = await this.callbacks.sweep();
      // A distribution pass in the background (coalesced with the kicks of this process): a long pass never holds
      // up the next sweep's re-parks, which must beat Sinch's park limit.
      this.distribution.kick();
      return { ...parks, ...offers, ...callbacks };
    },
  };

  constructor(
    private readonly entries: QueueEntries,
    private readonly distribution: QueueDistribution,
    private readonly callbacks: QueueCallbacks,
  ) {
    super();
  }

  process(job: Job): Promise<unknown> {
    return runJobLogged(this.jobHandlers, job, { logger: this.logger, message: 'Queues sweep done', onlyWhenWorked: true });
  }
}
