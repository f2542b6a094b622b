import type { JobsOptions } from 'bullmq';
import { QUEUES } from 'src/common/queues';
import type { AppConfig } from 'src/config/app-config';

// The numbers queue: the repeatable `sync` with Sinch's list of the account's numbers (NUMBERS_SYNC_INTERVAL_S).
// Shaped like the jobs layer's declareJobs({ queue, retention, jobs }) so it becomes one at merge; runs are
// frequent, so an hour / 100 of them is enough history.
export const NUMBERS_JOBS = {
  queue: QUEUES.numbers,
  retention: { completed: { age: 3600, count: 100 }, failed: { age: 7 * 24 * 3600, count: 10_000 } },
  jobs: {
    sync: { schedule: { id: 'numbers-sync', everyMs: (config: AppConfig) => config.numbers.syncIntervalS * 1000 } },
  },
} as const;

export type NumbersJobName = keyof typeof NUMBERS_JOBS.jobs;

export function numbersJobOptions(): JobsOptions {
  return { removeOnComplete: { ...NUMBERS_JOBS.retention.completed }, removeOnFail: { ...NUMBERS_JOBS.retention.failed } };
}
