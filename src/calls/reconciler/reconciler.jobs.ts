import { DEFAULT_RETENTION, declareJobs } from 'src/jobs/job-declaration';

const SWEEP_FOLLOW_UPS_EVERY_MS = 60_000;

// The reconciler's repeatable jobs: asking Sinch about calls that should have ended, and re-running DiCE
// follow-ups that did not run. Runs are frequent, so an hour / 100 of them is enough history.
export const RECONCILER_JOBS = declareJobs<{ reconcile: Record<string, never>; 'sweep-follow-ups': Record<string, never> }>({
  queue: 'reconciler',
  retention: { ...DEFAULT_RETENTION, completed: { age: 3600, count: 100 } },
  jobs: {
    reconcile: { schedule: { id: 'reconcile', everyMs: (config) => config.reconciler.intervalS * 1000 } },
    'sweep-follow-ups': { schedule: { id: 'sweep-follow-ups', everyMs: () => SWEEP_FOLLOW_UPS_EVERY_MS } },
  },
});
