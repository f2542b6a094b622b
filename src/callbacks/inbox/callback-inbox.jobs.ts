import { declareJobs } from 'src/jobs/job-declaration';

// An accepted callback parked in Redis while Postgres is unavailable. Unlike other jobs it carries the event
// itself: it exists nowhere else yet. The body was verified when accepted and is re-parsed by the worker.
export interface InboxJobData {
  body: string;
  receivedAt: string;
}

// Retries are for unexpected errors only; "Postgres is down" holds the queue (rate limit) without using attempts.
// Ten attempts back off over about 17 minutes in all, then the event is dead-lettered (never weeks of retries).
export const INBOX_JOBS = declareJobs<{ event: InboxJobData }>({
  queue: 'callback-inbox',
  jobs: { event: { options: { attempts: 10, backoff: { type: 'exponential', delay: 1000, jitter: 0.5 } } } },
});
export const INBOX_JOB = 'event';
export const INBOX_JOB_OPTIONS = INBOX_JOBS.options(INBOX_JOB);
