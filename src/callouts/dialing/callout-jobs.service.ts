import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { ATTEMPTS_HEADROOM, CALLOUT_JOBS, type DialJobData } from 'src/callouts/callout.jobs';
import { AppConfig } from 'src/config/app-config';

export type EnsureResult = 'added' | 'exists' | 'retried' | 'replaced';

// The only writer of dial jobs. Call it after the call row is committed: the processor reloads the row, and a job
// that finds no row ends without dialling.
@Injectable()
export class CalloutJobs {
  constructor(
    @InjectQueue(CALLOUT_JOBS.queue) readonly queue: Queue,
    private readonly config: AppConfig,
  ) {}

  async enqueue(callId: string, requestId?: string): Promise<void> {
    await this.enqueueMany([{ callId, requestId }]);
  }

  // One round trip for many calls (BullMQ addBulk). The call row's id is the job id: adding a job twice (the API,
  // then the sweep) collapses into one.
  async enqueueMany(dials: readonly DialJobData[]): Promise<void> {
    if (dials.length === 0) return;
    const attempts = this.config.callouts.maxAttempts + ATTEMPTS_HEADROOM;
    // An urgent leg goes to the head of the wait list (BullMQ's lifo), before campaign legs and API calls waiting
    // for the pace; added last-first, urgent legs of one batch keep their order.
    const ordered = [...dials.filter((d) => !d.urgent), ...dials.filter((d) => d.urgent).reverse()];
    await CALLOUT_JOBS.addBulk(
      this.queue,
      ordered.map((data) => ({
        name: 'dial' as const,
        data,
        opts: { jobId: data.callId, attempts, ...(data.urgent ? { lifo: true } : {}), ...pacedDelay(data.dialAt) },
      })),
    );
  }

  // For a call the sweep found still queued and never dialled: make sure a job will run for it. A job that gave up
  // (failed) or ended without dialling (completed) keeps its id, which would swallow a plain add.
  async ensureJob(callId: string): Promise<EnsureResult> {
    const job = await this.queue.getJob(callId);
    if (!job) {
      await this.enqueue(callId);
      return 'added';
    }
    const state = await job.getState();
    if (state === 'failed') {
      await job.retry('failed');
      return 'retried';
    }
    if (state === 'completed') {
      await job.remove();
      await this.enqueue(callId);
      return 'replaced';
    }
    return 'exists';
  }
}

// A paced call (a campaign's) waits in BullMQ's delayed set until just before its moment, holding no worker slot (a
// queue's agent leg or an API call behind it is not held up); the worker waits out the last few milliseconds.
export const PACED_EARLY_MS = 100;

function pacedDelay(dialAt: number | undefined): { delay?: number } {
  const delay = dialAt === undefined ? 0 : dialAt - Date.now() - PACED_EARLY_MS;
  return delay > 0 ? { delay } : {};
}
