import { BullRegistrar, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { withDeadline } from 'src/common/deadline';
import { AppConfig } from 'src/config/app-config';
import { jobQueueDeclaration, type HandlesJobs } from 'src/jobs/job-declaration';
import { findUnhandledJobs, MissingJobHandlerError, type FoundProcessor, type RegisteredQueue } from 'src/jobs/job-handler-check';

// @nestjs/bullmq's @Processor metadata key (not exported from the package index).
const PROCESSOR_METADATA = 'bullmq:processor_metadata';
// Schedules live only in Redis: each worker checks them this often and restores the missing ones, so losing
// Redis's data (FLUSHALL, a failover without persistence) stalls scheduled work for about this long.
export const SCHEDULE_CHECK_MS = 5_000;
// A check waits this long at most: during a Redis outage it gives up and is tried again, never hangs.
const SCHEDULE_CHECK_TIMEOUT_MS = 4_000;

// The jobs of this app: the start-up check that every declared job has a handler, the manual worker registration
// (an `api` process holds queues to add jobs but runs no worker), and the repeatable schedules of worker processes.
@Injectable()
export class JobRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<number> | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly discovery: DiscoveryService,
    private readonly moduleRef: ModuleRef,
  ) {}

  // Every BullMQ queue some feature registered in this app (BullModule.registerQueue), by name.
  queues(): Queue[] {
    const byName = new Map<string, Queue>();
    for (const wrapper of this.discovery.getProviders()) {
      if (wrapper.instance instanceof Queue) byName.set(wrapper.instance.name, wrapper.instance);
    }
    return [...byName.values()];
  }

  onApplicationBootstrap(): void {
    const queues = this.queues();
    const problem = findUnhandledJobs(
      queues.map((q): RegisteredQueue => ({ name: q.name, declaration: jobQueueDeclaration(q.name) })),
      this.processors(),
    );
    if (problem) throw new MissingJobHandlerError(problem);
    if (!this.config.runsWorkers || queues.length === 0) return;
    this.moduleRef.get(BullRegistrar, { strict: false }).register();
    this.listenForWorkerErrors();
    this.logger.log(`BullMQ workers started (role ${this.config.role})`);
    // At start every schedule is upserted, so a deploy that changes an interval or options takes effect.
    void this.assertSchedules(true);
    this.timer = setInterval(() => void this.assertSchedules(), SCHEDULE_CHECK_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  // Restores every declared schedule that Redis does not have or has with another interval (any worker may: the
  // scheduler id is shared); `all` upserts them all. Returns how many were written. Never waits longer than the
  // deadline; a round Redis has not answered yet is not doubled by the next one (commands would pile up offline).
  async assertSchedules(all = false): Promise<number> {
    if (this.round) return 0;
    const round = this.writeSchedules(all).finally(() => (this.round = undefined));
    this.round = round;
    try {
      return await withDeadline(round, SCHEDULE_CHECK_TIMEOUT_MS, 'job schedules check');
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not check the repeatable job schedules; trying again shortly');
      return 0;
    }
  }

  private async writeSchedules(all: boolean): Promise<number> {
    let written = 0;
    for (const queue of this.queues()) {
      for (const s of jobQueueDeclaration(queue.name)?.schedules(this.config) ?? []) {
        const existing = all ? undefined : await queue.getJobScheduler(s.id);
        if (existing && existing.every === s.everyMs) continue;
        await queue.upsertJobScheduler(s.id, { every: s.everyMs }, { name: s.jobName, data: {}, opts: s.opts });
        if (!all) this.logger.warn({ queue: queue.name, scheduler: s.id, everyMs: s.everyMs }, 'Job schedule was missing in Redis: restored');
        written++;
      }
    }
    return written;
  }

  // A worker's own errors (Redis lost a job's keys under it, a connection dropped) are logged, not thrown as an
  // unhandled 'error' event; the job's state is re-derived from Postgres by the sweeps.
  private listenForWorkerErrors(): void {
    for (const { instance } of this.discovery.getProviders()) {
      if (!(instance instanceof WorkerHost)) continue;
      const { worker } = instance;
      worker.on('error', (error: Error) => this.logger.warn({ err: error, queue: worker.name }, 'BullMQ worker error'));
    }
  }

  private processors(): FoundProcessor[] {
    return this.discovery.getProviders().flatMap((wrapper) => {
      const metatype = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      const meta = metatype && !wrapper.isAlias ? (Reflect.getMetadata(PROCESSOR_METADATA, metatype) as { name?: string } | undefined) : undefined;
      if (!meta?.name) return [];
      const handlers = (wrapper.instance as Partial<HandlesJobs> | undefined)?.jobHandlers;
      return [{ className: metatype!.name, queue: meta.name, handles: handlers ? Object.keys(handlers) : undefined }];
    });
  }
}
