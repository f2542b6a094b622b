import type { Logger } from '@nestjs/common';
import { UnrecoverableError, type Job, type JobsOptions, type Queue } from 'bullmq';
import type { AppConfig } from 'src/config/app-config';

// How long finished jobs stay visible (seconds and number of jobs); both bounds always set so Redis cannot grow.
export interface RetentionBound {
  age: number;
  count: number;
}

export interface JobRetention {
  completed: RetentionBound;
  failed: RetentionBound;
}

export const DEFAULT_RETENTION: JobRetention = {
  completed: { age: 4 * 3600, count: 1000 },
  failed: { age: 7 * 24 * 3600, count: 10_000 },
};

export interface JobKind {
  // attempts, backoff, ...; retention is not set here (see `retention` and `discardCompleted`).
  options?: Omit<JobsOptions, 'removeOnComplete' | 'removeOnFail' | 'jobId' | 'repeat'>;
  // BullMQ applies a finished job's age/count bounds to the whole queue's completed set, so one job kind with
  // smaller bounds would trim every other kind's history. A kind therefore either follows the queue's retention or
  // keeps no completed job at all (routine scheduled runs), which removes only that job.
  discardCompleted?: boolean;
  // A repeatable schedule: every worker upserts the same scheduler id, so replicas never multiply it.
  schedule?: { id: string; everyMs: (config: AppConfig) => number };
}

export interface JobSchedule {
  id: string;
  everyMs: number;
  jobName: string;
  opts: JobsOptions;
}

// One BullMQ queue of a feature: its name, its job kinds (keys of Payloads, each with its payload type), their
// default options, the queue's retention and the repeatable schedules.
export class JobQueueDeclaration<Payloads extends Record<string, object>> {
  readonly jobNames: readonly (keyof Payloads & string)[];

  constructor(
    readonly queue: string,
    readonly retention: JobRetention,
    readonly jobs: { readonly [N in keyof Payloads & string]: JobKind },
  ) {
    this.jobNames = Object.keys(jobs) as (keyof Payloads & string)[];
  }

  // The options to add a job of this kind with (`extra` for per-job fields such as jobId).
  options(name: keyof Payloads & string, extra: JobsOptions = {}): JobsOptions {
    const kind = this.jobs[name];
    return {
      ...kind.options,
      removeOnComplete: kind.discardCompleted ? true : this.retention.completed,
      removeOnFail: this.retention.failed,
      ...extra,
    };
  }

  // Adds one job of this kind with its declared options (`extra`: per-job fields such as jobId).
  add<N extends keyof Payloads & string>(queue: Queue, name: N, data: Payloads[N], extra?: JobsOptions): Promise<Job> {
    return queue.add(name, data, this.options(name, extra));
  }

  // Adds many jobs of this kind in one round trip (BullMQ addBulk), each with its declared options plus its own.
  addBulk<N extends keyof Payloads & string>(queue: Queue, jobs: readonly { name: N; data: Payloads[N]; opts?: JobsOptions }[]): Promise<Job[]> {
    return queue.addBulk(jobs.map((j) => ({ name: j.name, data: j.data, opts: this.options(j.name, j.opts) })));
  }

  schedules(config: AppConfig): JobSchedule[] {
    return this.jobNames.flatMap((name) => {
      const { schedule } = this.jobs[name];
      return schedule ? [{ id: schedule.id, everyMs: schedule.everyMs(config), jobName: name, opts: this.options(name) }] : [];
    });
  }
}

// Declarations are module constants (one per `*.jobs.ts`), so this is static data, the same for every app instance.
const DECLARATIONS = new Map<string, JobQueueDeclaration<Record<string, object>>>();

export function declareJobs<Payloads extends Record<string, object>>(spec: {
  queue: string;
  retention?: JobRetention;
  jobs: { [N in keyof Payloads & string]: JobKind };
}): JobQueueDeclaration<Payloads> {
  const declaration = new JobQueueDeclaration<Payloads>(spec.queue, spec.retention ?? DEFAULT_RETENTION, spec.jobs);
  if (DECLARATIONS.has(spec.queue)) throw new Error(`Job queue "${spec.queue}" is declared twice`);
  DECLARATIONS.set(spec.queue, declaration);
  return declaration;
}

export function jobQueueDeclaration(queue: string): JobQueueDeclaration<Record<string, object>> | undefined {
  return DECLARATIONS.get(queue);
}

// A processor's handlers, one per job kind of its queue: the keys are the job names it declares it handles.
export type JobHandlers<D> = D extends JobQueueDeclaration<infer P> ? { readonly [N in keyof P & string]: (job: Job<P[N]>) => Promise<unknown> } : never;

export interface HandlesJobs {
  readonly jobHandlers: Readonly<Record<string, (job: Job) => Promise<unknown>>>;
}

// Runs `job` with its handler; a job of a kind the processor does not handle is a code error, so it is not retried.
export function runJob(handlers: HandlesJobs['jobHandlers'], job: Job): Promise<unknown> {
  const handler = Object.hasOwn(handlers, job.name) ? handlers[job.name] : undefined;
  if (!handler) return Promise.reject(new UnrecoverableError(`No handler for job "${job.name}" of queue "${job.queueName}"`));
  return handler(job);
}

export interface JobLog {
  logger: Pick<Logger, 'log' | 'debug'>;
  // The log line's message, e.g. 'Roll-up job done'.
  message: string;
  level?: 'log' | 'debug';
  // A frequent sweep logs only the runs whose counts are not all zero.
  onlyWhenWorked?: boolean;
}

// Runs `job` (as runJob) and logs its name, how long it took and the counts its handler returned.
export async function runJobLogged(handlers: HandlesJobs['jobHandlers'], job: Job, log: JobLog): Promise<unknown> {
  const started = Date.now();
  const result = await runJob(handlers, job);
  const counts = (result ?? {}) as Record<string, unknown>;
  if (log.onlyWhenWorked && !Object.values(counts).some((n) => typeof n === 'number' && n > 0)) return result;
  log.logger[log.level ?? 'debug']({ job: job.name, ms: Date.now() - started, ...counts }, log.message);
  return result;
}
