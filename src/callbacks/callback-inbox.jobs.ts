import type { JobsOptions } from 'bullmq';
import { BOUNDED_RETENTION } from 'src/common/queues';

// An accepted callback parked in Redis while Postgres is unavailable. Unlike other jobs it carries the event
// itself: it exists nowhere else yet. The body was verified when accepted and is re-parsed by the worker.
export const INBOX_JOB = 'event';

export interface InboxJobData {
  body: string;
  receivedAt: string;
}

// Retries are for unexpected errors only; "Postgres is down" holds the queue (rate limit) without using attempts.
export const INBOX_JOB_OPTIONS: JobsOptions = {
  attempts: 25,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  ...BOUNDED_RETENTION,
};
