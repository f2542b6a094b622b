import { DEFAULT_RETENTION, declareJobs } from 'src/jobs/job-declaration';

// The recordings jobs, both repeatable every RECORDINGS_SWEEP_INTERVAL_S: `missing` flags segments with no
// recording_available RECORDINGS_MISSING_AFTER_S after they stopped; `retention` erases expired media.
export const RECORDING_JOBS = declareJobs<{ missing: Record<string, never>; retention: Record<string, never> }>({
  queue: 'recordings',
  retention: { ...DEFAULT_RETENTION, completed: { age: 3600, count: 100 } },
  jobs: {
    missing: { schedule: { id: 'recordings-missing', everyMs: (config) => config.recordings.sweepIntervalS * 1000 } },
    retention: { schedule: { id: 'recordings-retention', everyMs: (config) => config.recordings.sweepIntervalS * 1000 } },
  },
});
