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
// Ten attempts back off over about 17 minutes in all, then the event is dead-lettered (never weeks of retries).
export const INBOX_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  ...BOUNDED_RETENTION,
};
