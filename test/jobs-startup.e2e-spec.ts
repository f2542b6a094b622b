import { BullModule, getQueueToken, Processor, WorkerHost } from '@nestjs/bullmq';
import { Test } from '@nestjs/testing';
import type { Job, Queue } from 'bullmq';
import type Redis from 'ioredis';
import { ConfigModule } from 'src/config/config.module';
import { loadConfig } from 'src/config/load-config';
import { declareJobs, runJob, type JobHandlers } from 'src/jobs/job-declaration';
import { MissingJobHandlerError } from 'src/jobs/job-handler-check';
import { JobsModule } from 'src/jobs/jobs.module';
import { RedisModule } from 'src/redis/redis.module';
import { REDIS } from 'src/redis/redis.tokens';
import { testEnv } from './test-app';

const REPORT_JOBS = declareJobs<{ build: { id: string }; purge: Record<string, never> }>({
  queue: 'startup-check-reports',
  jobs: { build: {}, purge: {} },
});

// A processor that forgot one of its queue's declared jobs (the type system is bypassed, as a stale build or a
// hand-written handler map would).
@Processor(REPORT_JOBS.queue)
class IncompleteReportsProcessor extends WorkerHost {
  readonly jobHandlers = { build: async () => 'built' } as unknown as JobHandlers<typeof REPORT_JOBS>;

  process(job: Job): Promise<unknown> {
    return runJob(this.jobHandlers, job);
  }
}

describe('start-up check of job handlers (e2e)', () => {
  it('refuses to start, in one line, when a declared job has no handler', async () => {
    const config = loadConfig(testEnv({ APP_ROLE: 'worker' }));
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), RedisModule, JobsModule, BullModule.registerQueue({ name: REPORT_JOBS.queue })],
      providers: [IncompleteReportsProcessor],
    }).compile();
    try {
      const started = moduleRef.init();
      await expect(started).rejects.toBeInstanceOf(MissingJobHandlerError);
      await expect(started).rejects.toThrow(/^Job handlers missing: queue "startup-check-reports": no handler for job "purge"$/);
    } finally {
      // close() would re-throw the failed start-up: release the connections it opened directly.
      await moduleRef.get<Queue>(getQueueToken(REPORT_JOBS.queue)).close();
      moduleRef.get<Redis>(REDIS).disconnect();
    }
  });
});
