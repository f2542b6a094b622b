import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { CallFollowUps } from 'src/calls/call-follow-ups';
import { CallReconciler } from 'src/calls/call-reconciler';
import { RECONCILE_JOB, SWEEP_FOLLOW_UPS_JOB } from 'src/calls/reconciler.jobs';
import { BOUNDED_RETENTION, QUEUES } from 'src/common/queues';
import { AppConfig } from 'src/config/app-config';

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

  // Not awaited: with Redis down, BullMQ waits for it rather than failing, and start-up must not hang on that.
  onApplicationBootstrap(): void {
    if (!this.config.runsWorkers) return;
    this.schedule().catch((error: unknown) => this.logger.error({ err: error }, 'Could not schedule the reconciler'));
  }

  private async schedule(): Promise<void> {
    const opts = { ...BOUNDED_RETENTION, removeOnComplete: { age: 3600, count: 100 } };
    await this.queue.upsertJobScheduler(RECONCILE_JOB, { every: this.config.reconciler.intervalS * 1000 }, { name: RECONCILE_JOB, opts });
    await this.queue.upsertJobScheduler(SWEEP_FOLLOW_UPS_JOB, { every: SWEEP_EVERY_MS }, { name: SWEEP_FOLLOW_UPS_JOB, opts });
  }
}
