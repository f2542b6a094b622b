import type { JobsOptions } from 'bullmq';

// Every BullMQ queue of the service, with its job payloads and default options: the one place to look.
// Payloads carry ids only; processors reload state from Postgres, so running a job twice is harmless.
export const QUEUES = {
  callbackInbox: 'callback-inbox',
  reconciler: 'reconciler',
  callouts: 'callouts',
  campaignDialer: 'campaign-dialer',
  numbers: 'numbers',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

// Completed and failed jobs are kept for a bounded time and count so Redis does not grow without limit.
export const BOUNDED_RETENTION: Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> = {
  removeOnComplete: { age: 4 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};
