import type { AppConfig } from 'src/config/app-config';
import { DEFAULT_RETENTION, JobQueueDeclaration, runJob, runJobLogged } from 'src/jobs/job-declaration';
import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';

const retention = { completed: { age: 3600, count: 500 }, failed: { age: 86_400, count: 50 } };
const jobs = new JobQueueDeclaration<{ dial: { id: string }; sweep: object }>('callouts', retention, {
  dial: { options: { attempts: 3 } },
  sweep: { discardCompleted: true, schedule: { id: 'callouts-sweep', everyMs: (config) => config.callouts.sweepIntervalS * 1000 } },
});

describe('JobQueueDeclaration', () => {
  it("gives every job kind the queue's bounded retention", () => {
    expect(jobs.options('dial', { jobId: 'c1' })).toEqual({
      attempts: 3,
      removeOnComplete: { age: 3600, count: 500 },
      removeOnFail: { age: 86_400, count: 50 },
      jobId: 'c1',
    });
    expect(DEFAULT_RETENTION.completed.count).toBeGreaterThan(0);
    expect(DEFAULT_RETENTION.failed.age).toBeGreaterThan(0);
  });

  // BullMQ trims the queue's whole completed set by a finishing job's bounds: a kind with its own smaller bounds
  // (the sweep used to keep 10) would delete the dial jobs' history. It keeps none of its own instead.
  it("a kind that discards its completed runs removes only itself, never the others' history", () => {
    expect(jobs.options('sweep')).toEqual({ removeOnComplete: true, removeOnFail: retention.failed });
  });

  it('lists the repeatable schedules with intervals from configuration', () => {
    const config = { callouts: { sweepIntervalS: 30 } } as AppConfig;
    expect(jobs.schedules(config)).toEqual([{ id: 'callouts-sweep', everyMs: 30_000, jobName: 'sweep', opts: jobs.options('sweep') }]);
  });
});

describe('runJob', () => {
  const handlers = { dial: (job: Job) => Promise.resolve(`dialled ${job.data.id}`) };

  it('runs the handler named by the job', async () => {
    await expect(runJob(handlers, { name: 'dial', data: { id: 'c1' }, queueName: 'callouts' } as Job)).resolves.toBe('dialled c1');
  });

  it('fails a job of an unknown kind without retries', async () => {
    const run = runJob(handlers, { name: 'toString', data: {}, queueName: 'callouts' } as Job);
    await expect(run).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(run).rejects.toThrow('No handler for job "toString" of queue "callouts"');
  });
});

describe('runJobLogged', () => {
  const job = (name: string) => ({ name, data: {}, queueName: 'sweeps' }) as Job;
  const handlers = { idle: () => Promise.resolve({ swept: 0 }), busy: () => Promise.resolve({ swept: 2, moved: 0 }) };

  it('logs the job, its duration and its counts at the chosen level', async () => {
    const logger = { log: jest.fn(), debug: jest.fn() };
    await expect(runJobLogged(handlers, job('busy'), { logger, message: 'Sweep done', level: 'log' })).resolves.toEqual({ swept: 2, moved: 0 });
    expect(logger.log).toHaveBeenCalledWith(expect.objectContaining({ job: 'busy', swept: 2, moved: 0, ms: expect.any(Number) }), 'Sweep done');
    expect(logger.debug).not.toHaveBeenCalled();
  });

  it('with onlyWhenWorked, stays silent on a run whose counts are all zero', async () => {
    const logger = { log: jest.fn(), debug: jest.fn() };
    await runJobLogged(handlers, job('idle'), { logger, message: 'Sweep done', onlyWhenWorked: true });
    expect(logger.debug).not.toHaveBeenCalled();
    await runJobLogged(handlers, job('busy'), { logger, message: 'Sweep done', onlyWhenWorked: true });
    expect(logger.debug).toHaveBeenCalledTimes(1);
  });
});
