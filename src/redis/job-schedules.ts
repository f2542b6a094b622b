import type { Logger } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';

export interface JobSchedule {
  // The scheduler id: every worker replica upserts the same one, so replicas do not multiply the job.
  id: string;
  everyMs: number;
  jobName: string;
  opts?: JobsOptions;
}

// Upserts repeatable jobs from a worker process without awaiting them: BullMQ waits for Redis indefinitely, and
// start-up (health, readiness, the rest of the app) must not hang on a Redis that is down. A failure is logged.
export function upsertSchedulesInBackground(queue: Queue, schedules: JobSchedule[], logger: Logger): void {
  void (async () => {
    for (const s of schedules) {
      await queue.upsertJobScheduler(s.id, { every: s.everyMs }, { name: s.jobName, data: {}, opts: s.opts });
    }
  })().catch((error: unknown) => logger.error({ err: error, queue: queue.name }, 'Could not schedule repeatable jobs'));
}
