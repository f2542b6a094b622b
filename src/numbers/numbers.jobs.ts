import { DEFAULT_RETENTION, declareJobs } from 'src/jobs/job-declaration';

// The numbers jobs: the repeatable `sync` with Sinch's list of the account's numbers (NUMBERS_SYNC_INTERVAL_S).
// Runs are frequent, so an hour / 100 of them is enough history.
export const NUMBERS_JOBS = declareJobs<{ sync: Record<string, never> }>({
  queue: 'numbers',
  retention: { ...DEFAULT_RETENTION, completed: { age: 3600, count: 100 } },
  jobs: {
    sync: { schedule: { id: 'numbers-sync', everyMs: (config) => config.numbers.syncIntervalS * 1000 } },
  },
});
