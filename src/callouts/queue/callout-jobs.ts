import type { JobsOptions } from 'bullmq';
import { BOUNDED_RETENTION } from 'src/common/queues';

// The callouts queue's jobs (QUEUES.callouts): one `dial` per call row, and the repeatable `sweep`.
export const CALLOUT_JOBS = { dial: 'dial', sweep: 'sweep' } as const;
export type CalloutJobName = (typeof CALLOUT_JOBS)[keyof typeof CALLOUT_JOBS];

export interface DialJobData {
  callId: string;
  // The HTTP request that asked for the call, for log correlation.
  requestId?: string;
}

export type SweepJobData = Record<string, never>;

// Backoff type handled by the worker's backoffStrategy: the delay travels on the thrown CalloutRetryError.
export const CALLOUT_BACKOFF = 'callout';

// Dial attempts are counted on the call row (dial_attempts) and bounded by CALLOUT_MAX_ATTEMPTS there; the job's
// own attempts leave headroom for failures that never reached Sinch (the database was briefly away, say).
export const ATTEMPTS_HEADROOM = 5;

export function dialJobOptions(callId: string, maxAttempts: number): JobsOptions {
  return {
    // The call row's id: adding the job twice (the API, then the sweep) collapses into one.
    jobId: callId,
    attempts: maxAttempts + ATTEMPTS_HEADROOM,
    backoff: { type: CALLOUT_BACKOFF },
    ...BOUNDED_RETENTION,
  };
}

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
