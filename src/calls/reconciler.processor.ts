import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { CallFollowUps } from 'src/calls/call-follow-ups';
import { CallReconciler } from 'src/calls/call-reconciler';
import { RECONCILE_JOB, SWEEP_FOLLOW_UPS_JOB } from 'src/calls/reconciler.jobs';
import { BOUNDED_RETENTION, QUEUES } from 'src/common/queues';
import { AppConfig } from 'src/config/app-config';
import { upsertSchedulesInBackground } from 'src/redis/job-schedules';

const SWEEP_EVERY_MS = 60_000;

@Processor(QUEUES.reconciler, { concurrency: 1 })
export class ReconcilerProcessor extends WorkerHost {
  private readonly logger = new Logger('Reconciler');

  constructor(
    private readonly reconciler: CallReconciler,
    private readonly followUps: CallFollowUps,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    const started = Date.now();
    const result = job.name === SWEEP_FOLLOW_UPS_JOB ? { processed: await this.followUps.sweep() } : await this.reconciler.reconcileDue();
    this.logger.debug({ job: job.name, ms: Date.now() - started, ...result }, 'Reconciler job done');
    return result;
  }
}

// The repeatable schedules, upserted by worker processes (idempotent: every replica may do it).
@Injectable()
export class ReconcilerSchedule implements OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    @InjectQueue(QUEUES.reconciler) private readonly queue: Queue,
  ) {}

  private readonly logger = new Logger('Reconciler');

  onApplicationBootstrap(): void {
    if (!this.config.runsWorkers) return;
    const opts = { ...BOUNDED_RETENTION, removeOnComplete: { age: 3600, count: 100 } };
    upsertSchedulesInBackground(
      this.queue,
      [
        { id: RECONCILE_JOB, everyMs: this.config.reconciler.intervalS * 1000, jobName: RECONCILE_JOB, opts },
        { id: SWEEP_FOLLOW_UPS_JOB, everyMs: SWEEP_EVERY_MS, jobName: SWEEP_FOLLOW_UPS_JOB, opts },
      ],
      this.logger,
    );
  }
}
