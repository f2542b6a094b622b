import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { UnrecoverableError, type Job, type Queue } from 'bullmq';
import { AppConfig } from 'src/config/app-config';
import { upsertSchedulesInBackground } from 'src/redis/job-schedules';
import { NUMBERS_JOBS, numbersJobOptions, type NumbersJobName } from './numbers.jobs';
import { NumbersSync } from './numbers-sync.service';

@Processor(NUMBERS_JOBS.queue, { concurrency: 1 })
export class NumbersSyncProcessor extends WorkerHost {
  private readonly logger = new Logger('NumbersSync');

  readonly jobHandlers: Record<NumbersJobName, (job: Job) => Promise<unknown>> = {
    sync: async () => {
      const report = await this.sync.sync();
      return { added: report.added.length, released: report.released.length, returned: report.returned.length, reassigned: report.reassigned.length };
    },
  };

  constructor(private readonly sync: NumbersSync) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    const handler = Object.hasOwn(this.jobHandlers, job.name) ? this.jobHandlers[job.name as NumbersJobName] : undefined;
    // A job of a kind this processor does not handle is a code error: retrying it would not help.
    if (!handler) throw new UnrecoverableError(`No handler for job "${job.name}" of queue "${job.queueName}"`);
    const started = Date.now();
    const result = await handler(job);
    this.logger.debug({ job: job.name, ms: Date.now() - started, ...(result as object) }, 'Numbers job done');
    return result;
  }
}

// The repeatable sync, upserted by worker processes (idempotent: every replica may do it).
@Injectable()
export class NumbersSyncSchedule implements OnApplicationBootstrap {
  private readonly logger = new Logger('NumbersSync');

  constructor(
    private readonly config: AppConfig,
    @InjectQueue(NUMBERS_JOBS.queue) private readonly queue: Queue,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runsWorkers) return;
    const { schedule } = NUMBERS_JOBS.jobs.sync;
    upsertSchedulesInBackground(this.queue, [{ id: schedule.id, everyMs: schedule.everyMs(this.config), jobName: 'sync', opts: numbersJobOptions() }], this.logger);
  }
}
