import { DEFAULT_RETENTION, declareJobs } from 'src/jobs/job-declaration';

// Budgets: `check` (every BUDGETS_CHECK_INTERVAL_S) compares each budget's spend in its current period with its
// thresholds; `deliver` POSTs one crossed threshold's signed alert to one URL, retried with exponential backoff.
export const BUDGET_JOBS = declareJobs<{ check: Record<string, never>; deliver: { alertId: string; url: string } }>({
  queue: 'budgets',
  retention: { ...DEFAULT_RETENTION, completed: { age: 24 * 3600, count: 1000 } },
  jobs: {
    check: { discardCompleted: true, schedule: { id: 'budgets-check', everyMs: (config) => config.budgets.checkIntervalS * 1000 } },
    deliver: { options: { attempts: 8, backoff: { type: 'exponential', delay: 1000 } } },
  },
});
