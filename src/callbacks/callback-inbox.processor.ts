import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { INBOX_JOBS, type InboxJobData } from 'src/callbacks/callback-inbox.jobs';
import { CallbackIntake } from 'src/callbacks/callback-intake.service';
import { isDatabaseUnavailable } from 'src/callbacks/db-errors';
import { runJob, type JobHandlers } from 'src/jobs/job-declaration';
import { CallbackParseError } from 'src/sinch/callback-events';

const MAX_HOLD_MS = 30_000;

// Drains callbacks that were accepted while Postgres was unavailable, one at a time and in order. While Postgres
// is still down the job goes back to the head of the queue and the whole queue pauses (rate limit) with growing
// delays, so order holds and no attempt is spent; other errors retry with backoff.
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
    try {
      await this.intake.replay(job.data.body, new Date(job.data.receivedAt));
      this.consecutiveOutages = 0;
    } catch (error) {
      // It was parsed once when accepted; failing now is a code change, and retrying will not help.
      if (error instanceof SyntaxError || error instanceof CallbackParseError) throw new UnrecoverableError(String(error));
      if (!isDatabaseUnavailable(error)) throw error;
      this.consecutiveOutages++;
      const holdMs = Math.min(MAX_HOLD_MS, 250 * 2 ** Math.min(this.consecutiveOutages, 7));
      this.logger.warn(`Postgres still unavailable; holding the callback inbox for ${holdMs} ms`);
      await this.queue.rateLimit(holdMs);
      throw Worker.RateLimitError();
    }
  }
}
