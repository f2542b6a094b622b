import { SETTLE_SWEEP_AFTER_S } from 'src/campaigns/dialer/dialer.service';
import { declareJobs } from 'src/jobs/job-declaration';

// The campaign dialer's repeatable jobs, run by whichever worker process takes them: a tick every
// CAMPAIGN_DIALER_INTERVAL_MS (ticks that overlap are harmless: each campaign is claimed under a row lock), and a
// sweep settling calls whose DiCE follow-up did not run, kept apart so it never delays a tick.
// A tick runs several times a second: ten minutes / 100 runs of history is plenty.
export const DIALER_JOBS = declareJobs<{ tick: Record<string, never>; sweep: Record<string, never> }>({
  queue: 'campaign-dialer',
  retention: { completed: { age: 600, count: 100 }, failed: { age: 7 * 24 * 3600, count: 1000 } },
  jobs: {
    tick: { schedule: { id: 'campaign-dialer-tick', everyMs: (config) => config.campaigns.dialerIntervalMs } },
    sweep: { schedule: { id: 'campaign-dialer-sweep', everyMs: () => SETTLE_SWEEP_AFTER_S * 1000 } },
  },
});
