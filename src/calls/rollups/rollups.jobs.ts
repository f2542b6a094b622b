import { DEFAULT_RETENTION, declareJobs } from 'src/jobs/job-declaration';

// The roll-up check: recent days of call_rollups against the call log, drift repaired (RollupCheck).
export const ROLLUP_JOBS = declareJobs<{ check: Record<string, never> }>({
  queue: 'rollups',
  retention: { ...DEFAULT_RETENTION, completed: { age: 24 * 3600, count: 100 } },
  jobs: {
    check: { schedule: { id: 'rollups-check', everyMs: (config) => config.reports.checkIntervalS * 1000 } },
  },
});
