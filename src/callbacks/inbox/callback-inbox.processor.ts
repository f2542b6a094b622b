import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import { INBOX_JOBS, type InboxJobData } from 'src/callbacks/inbox/callback-inbox.jobs';
import { CallbackIntake } from 'src/callbacks/callback-intake.service';
import { isOutage } from 'src/callbacks/inbox/db-errors';
import { runJob, type JobHandlers } from 'src/jobs/job-declaration';

const MAX_HOLD_MS = 30_000;

// Drains callbacks that were accepted while Postgres was unavailable, one at a time and in order. While Postgres
// is still down the job goes back to the head of the queue and the whole queue pauses (rate limit) with growing
// delays, so order holds and no attempt is spent; other errors retry with backoff, a bounded number of times.
@Processor(INBOX_JOBS.queue, { concurrency: 1 })
export class CallbackInboxProcessor extends WorkerHost {
  private readonly logger = new Logger('CallbackInbox');
  private consecutiveOutages = 0;

  readonly jobHandlers: JobHandlers<typeof INBOX_JOBS> = { event: (job) => this.replay(job) };

  constructor(
    private readonly intake: CallbackIntake,
    @InjectQueue(INBOX_JOBS.queue) private readonly queue: Queue,
  ) {
    super();
  }

  process(job: Job): Promise<unknown> {
    return runJob(this.jobHandlers, job);
  }

  private async replay(job: Job<InboxJobData>): Promise<void> {
    const receivedAt = new Date(job.data.receivedAt);
    try {
      // Unparseable or unstorable events end in the dead letters there: only outages and bugs get here.
      await this.intake.replay(job.data.body, receivedAt);
      this.consecutiveOutages = 0;
    } catch (error) {
      if (!isOutage(error)) {
        // A bug, retried with backoff a bounded number of times (INBOX_JOB_OPTIONS); the last attempt keeps the
        // event in the dead letters rather than leave it failed in Redis.
        if (job.attemptsMade + 1 < (job.opts.attempts ?? 1)) throw error;
        this.logger.error({ err: error, jobId: job.id }, 'Deferred callback failed on its last attempt: dead-lettering it');
        await this.intake.deadLetter(job.data.body, receivedAt, `gave up after ${job.attemptsMade + 1} attempts: ${(error as Error).message}`);
        return;
      }
      this.consecutiveOutages++;
      const holdMs = Math.min(MAX_HOLD_MS, 250 * 2 ** Math.min(this.consecutiveOutages, 7));
      this.logger.warn(`Postgres still unavailable; holding the callback inbox for ${holdMs} ms`);
      await this.queue.rateLimit(holdMs);
      throw Worker.RateLimitError();
    }
  }
}
