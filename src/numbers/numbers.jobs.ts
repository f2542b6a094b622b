import type { JobsOptions } from 'bullmq';
import { BOUNDED_RETENTION } from 'src/common/queues';

// The numbers queue's jobs (QUEUES.numbers): the repeatable `sync` with Sinch's list (NUMBERS_SYNC_INTERVAL_S).
export const NUMBERS_JOBS = { sync: 'sync' } as const;
export type NumbersJobName = (typeof NUMBERS_JOBS)[keyof typeof NUMBERS_JOBS];

export type SyncJobData = Record<string, never>;

export const SYNC_JOB_OPTIONS: JobsOptions = { ...BOUNDED_RETENTION, removeOnComplete: { age: 3600, count: 100 } };
