import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { QUEUES } from 'src/common/queues';
import { AppConfig } from 'src/config/app-config';
import { upsertSchedulesInBackground } from 'src/redis/job-schedules';
import { NUMBERS_JOBS, SYNC_JOB_OPTIONS } from './numbers.jobs';
import { NumbersSync } from './numbers-sync.service';

@Processor(QUEUES.numbers, { concurrency: 1 })
export class NumbersSyncProcessor extends WorkerHost {
  private readonly logger = new Logger('NumbersSync');

  constructor(private readonly sync: NumbersSync) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    if (job.name !== NUMBERS_JOBS.sync) throw new Error(`numbers queue: no handler for job "${job.name}"`);
    const started = Date.now();
    const report = await this.sync.sync();
    const result = { added: report.added.length, released: report.released.length, returned: report.returned.length, reassigned: report.reassigned.length };
    this.logger.debug({ job: job.name, ms: Date.now() - started, ...result }, 'Numbers sync job done');
    return result;
  }
}

// The repeatable sync, upserted by worker processes (idempotent: every replica may do it).
@Injectable()
export class NumbersSyncSchedule implements OnApplicationBootstrap {
  private readonly logger = new Logger('NumbersSync');

  constructor(
    private readonly config: AppConfig,
    @InjectQueue(QUEUES.numbers) private readonly queue: Queue,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runsWorkers) return;
    upsertSchedulesInBackground(
      this.queue,
      [{ id: NUMBERS_JOBS.sync, everyMs: this.config.numbers.syncIntervalS * 1000, jobName: NUMBERS_JOBS.sync, opts: SYNC_JOB_OPTIONS }],
      this.logger,
    );
  }
}
