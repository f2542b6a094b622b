import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { DIALER_JOBS } from 'src/campaigns/dialer/dialer.jobs';
import { AppConfig } from 'src/config/app-config';
import { runJob, type JobHandlers } from 'src/jobs/job-declaration';
import { DialerService, type CampaignTick } from './dialer.service';

@Processor(DIALER_JOBS.queue, { concurrency: 2 })
export class DialerProcessor extends WorkerHost {
  private readonly logger = new Logger('DialerProcessor');

  readonly jobHandlers: JobHandlers<typeof DIALER_JOBS> = {
    tick: () => this.tick(),
    sweep: () => this.dialer.sweepUnsettled(),
  };

  constructor(
    private readonly dialer: DialerService,
    private readonly config: AppConfig,
  ) {
    super();
  }

  process(job: Job): Promise<unknown> {
    return runJob(this.jobHandlers, job);
  }

  private async tick(): Promise<CampaignTick[]> {
    const started = Date.now();
    const results = await this.dialer.tick();
    const ms = Date.now() - started;
    // A tick is one line at debug; a slow one is worth a warning (the next ticks queue behind it).
    if (ms > this.config.campaigns.dialerIntervalMs) this.logger.warn({ ms, campaigns: results.length }, 'Dialer tick slower than its interval');
    else this.logger.debug({ ms, campaigns: results.length }, 'Dialer tick');
    return results;
  }
}
