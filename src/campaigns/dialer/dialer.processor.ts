import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { UnrecoverableError, type Job, type Queue } from 'bullmq';
import { QUEUES } from 'src/common/queues';
import { AppConfig } from 'src/config/app-config';
import { upsertSchedulesInBackground } from 'src/redis/job-schedules';
import { DialerService, SETTLE_SWEEP_AFTER_S, type CampaignTick } from './dialer.service';

// The campaign-dialer queue's jobs, each from a BullMQ job scheduler and run by whichever worker process takes it:
// a tick every CAMPAIGN_DIALER_INTERVAL_MS (ticks that overlap are harmless: each campaign is claimed under a row
// lock), and a sweep settling calls whose DiCE follow-up did not run, kept apart so it never delays a tick.
export const DIALER_JOBS = { tick: 'tick', sweep: 'sweep' } as const;
const TICK_SCHEDULER_ID = 'campaign-dialer-tick';
const SWEEP_SCHEDULER_ID = 'campaign-dialer-sweep';
const SCHEDULED = { removeOnComplete: { count: 10 }, removeOnFail: { count: 100 } };

@Processor(QUEUES.campaignDialer, { concurrency: 2 })
export class DialerProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger('DialerProcessor');

  constructor(
    private readonly dialer: DialerService,
    @InjectQueue(QUEUES.campaignDialer) private readonly queue: Queue,
    private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    if (!this.config.runsWorkers) return;
    upsertSchedulesInBackground(
      this.queue,
      [
        { id: TICK_SCHEDULER_ID, everyMs: this.config.campaigns.dialerIntervalMs, jobName: DIALER_JOBS.tick, opts: SCHEDULED },
        { id: SWEEP_SCHEDULER_ID, everyMs: SETTLE_SWEEP_AFTER_S * 1000, jobName: DIALER_JOBS.sweep, opts: SCHEDULED },
      ],
      this.logger,
    );
  }

  async process(job: Job): Promise<CampaignTick[] | number> {
    switch (job.name) {
      case DIALER_JOBS.tick:
        return this.tick();
      case DIALER_JOBS.sweep:
        return this.dialer.sweepUnsettled();
      default:
        throw new UnrecoverableError(`No handler for campaign-dialer job "${job.name}"`);
    }
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
