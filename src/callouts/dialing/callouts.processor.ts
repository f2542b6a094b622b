import { WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError, Worker, type Job, type WorkerOptions } from 'bullmq';
import { CalloutRetryError, type CALLOUT_JOBS, type DialJobData } from 'src/callouts/callout.jobs';
import { CalloutMetrics } from 'src/callouts/callout-metrics.service';
import { AppConfig } from 'src/config/app-config';
import { runJob, type JobHandlers } from 'src/jobs/job-declaration';
import { CalloutDialer, type DialResult } from './callout-dialer.service';
import { retryDelayMs } from './callout-failure';
import { CalloutJobs } from './callout-jobs.service';
import { calloutLimiter } from './callout-pacing';
import { CalloutSweeper } from './callout-sweeper.service';

// Worker options come from configuration, and @Processor takes them statically: CalloutsModule.forRoot decorates
// a subclass of this class with them (one per app instance, so e2e apps with other settings do not clash).
export function calloutWorkerOptions(config: AppConfig): Partial<WorkerOptions> {
  const { perSecond, concurrency, lockMs, retryBaseMs, retryMaxMs } = config.callouts;
  return {
    concurrency,
    // One global limiter in Redis: every worker process shares the pace.
    limiter: calloutLimiter(perSecond),
    lockDuration: lockMs,
    stalledInterval: lockMs,
    maxStalledCount: 2,
    settings: {
      backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) =>
        err instanceof CalloutRetryError ? err.delayMs : retryDelayMs(attemptsMade, { baseMs: retryBaseMs, maxMs: retryMaxMs }),
    },
  };
}

// Thin: maps the dialer's verdict onto BullMQ's semantics (retry with a delay, pause the whole queue, give up).
@Injectable()
export class CalloutsProcessor extends WorkerHost {
  private readonly logger = new Logger('CalloutsProcessor');

  readonly jobHandlers: JobHandlers<typeof CALLOUT_JOBS> = {
    dial: (job) => this.dial(job),
    sweep: () => this.sweeper.sweep(),
  };

  constructor(
    private readonly dialer: CalloutDialer,
    private readonly sweeper: CalloutSweeper,
    private readonly calloutJobs: CalloutJobs,
    private readonly metrics: CalloutMetrics,
  ) {
    super();
  }

  process(job: Job): Promise<unknown> {
    return runJob(this.jobHandlers, job);
  }

  private async dial(job: Job<DialJobData>): Promise<DialResult> {
    await untilDialTime(job);
    const startedAt = Date.now();
    const { callId, requestId } = job.data;
    this.logger.debug({ callId, requestId, jobId: job.id, attemptsMade: job.attemptsMade }, 'Callout job started');
    const result = await this.dialer.dial(callId);
    const log = { callId, requestId, jobId: job.id, outcome: result.outcome, ms: Date.now() - startedAt };
    if ('attempt' in result && result.attempt === 1) this.metrics.wait.observe((startedAt - Math.max(job.timestamp, job.data.dialAt ?? 0)) / 1000);
    switch (result.outcome) {
      case 'retry':
        this.logger.warn({ ...log, error: result.error, delayMs: result.delayMs }, 'Callout refused by Sinch; retrying');
        if (result.rateLimited) {
          // A 429 is about the account, not this call: pause the whole queue (every worker), then try this job again.
          await this.calloutJobs.queue.rateLimit(result.delayMs);
          throw Worker.RateLimitError();
        }
        throw new CalloutRetryError(result.error.errorMessage, result.delayMs);
      case 'failed':
        this.logger.warn({ ...log, error: result.error, reason: result.reason }, 'Callout failed');
        throw new UnrecoverableError(result.error.errorMessage);
      case 'in_doubt':
        this.logger.warn({ ...log, reason: result.reason, error: result.error }, 'Callout outcome unknown; not dialling again');
        return result;
      default:
        this.logger.log(log, 'Callout job done');
        return result;
    }
  }
}

// The most a job waits in a worker for its moment: it comes out of BullMQ's delayed set PACED_EARLY_MS before it;
// more means another process's clock is off, and the call goes now rather than holding a worker slot.
export const MAX_DIAL_WAIT_MS = 1_000;

// A paced call (a campaign's) is held until its moment, so a tick's calls reach Sinch spread over the second rather
// than at once. Retries go at once: their delay was BullMQ's.
async function untilDialTime(job: Job<DialJobData>): Promise<void> {
  const waitMs = job.attemptsMade === 0 && job.data.dialAt ? Math.min(job.data.dialAt - Date.now(), MAX_DIAL_WAIT_MS) : 0;
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
}
