import { DEFAULT_RETENTION, declareJobs } from 'src/jobs/job-declaration';

// The queues jobs: the repeatable `sweep` (QUEUE_SWEEP_MS) that re-parks waiting callers before Sinch's park limit
// and applies wait limits. Routine runs keep no history.
export const QUEUES_JOBS = declareJobs<{ sweep: Record<string, never> }>({
  queue: 'queues',
  retention: DEFAULT_RETENTION,
  jobs: {
    sweep: { discardCompleted: true, schedule: { id: 'queues-sweep', everyMs: (config) => config.queues.sweepMs } },
  },
});
