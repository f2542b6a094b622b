import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { QUEUES } from 'src/common/queues';
import { AppConfig } from 'src/config/app-config';
import { CALLOUT_JOBS, dialJobOptions, type DialJobData } from './callout-jobs';

export type EnsureResult = 'added' | 'exists' | 'retried' | 'replaced';

// The only writer of dial jobs. Call it after the call row is committed: the processor reloads the row, and a job
// that finds no row ends without dialling.
@Injectable()
export class CalloutQueue {
  constructor(
    @InjectQueue(QUEUES.callouts) readonly queue: Queue,
    private readonly config: AppConfig,
  ) {}

  async enqueue(callId: string, requestId?: string): Promise<void> {
    const data: DialJobData = requestId ? { callId, requestId } : { callId };
    await this.queue.add(CALLOUT_JOBS.dial, data, dialJobOptions(callId, this.config.callouts.maxAttempts));
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
