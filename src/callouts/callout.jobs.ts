import { declareJobs } from 'src/jobs/job-declaration';

// The callouts jobs: one `dial` per call row (its job id is the row's id), and the repeatable safety `sweep`.
export interface DialJobData {
  callId: string;
  // The HTTP request that asked for the call, for log correlation.
  requestId?: string;
  // Epoch ms: not dialled before (a campaign's pacing spreads its calls over each second).
  dialAt?: number;
  // Someone waits on the line for this leg (a queue agent's, rung while the caller holds): dialled before the
  // jobs nobody waits for.
  urgent?: boolean;
}

// Backoff type handled by the worker's backoffStrategy: the delay travels on the thrown CalloutRetryError.
export const CALLOUT_BACKOFF = 'callout';

// Dial attempts are counted on the call row (dial_attempts) and bounded by CALLOUT_MAX_ATTEMPTS there; the job's
// own attempts leave headroom for failures that never reached Sinch (the database was briefly away, say).
export const ATTEMPTS_HEADROOM = 5;

// Retention is the default (completed dial jobs 4 h / 1,000, failed 7 days / 10,000); sweep runs keep no
// completed job, so they never trim the dial jobs' history.
export const CALLOUT_JOBS = declareJobs<{ dial: DialJobData; sweep: Record<string, never> }>({
  queue: 'callouts',
  jobs: {
    dial: { options: { backoff: { type: CALLOUT_BACKOFF } } },
    sweep: { discardCompleted: true, schedule: { id: 'callouts-sweep', everyMs: (config) => config.callouts.sweepIntervalS * 1000 } },
  },
});

// Thrown to have BullMQ retry the job after `delayMs` (exponential backoff with jitter, or Retry-After).
export class CalloutRetryError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'CalloutRetryError';
  }
}
