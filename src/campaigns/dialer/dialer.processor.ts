import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { UnrecoverableError, type Job, type Queue } from 'bullmq';
import { QUEUES } from 'src/common/queues';
import { AppConfig } from 'src/config/app-config';
import { DialerService, type CampaignTick } from './dialer.service';

// The campaign-dialer queue's one job: a tick every CAMPAIGN_DIALER_INTERVAL_MS, from a BullMQ job scheduler, run
// by whichever worker process takes it. Ticks that overlap are harmless: each campaign is claimed under a row lock.
export const DIALER_JOBS = { tick: 'tick' } as const;
const SCHEDULER_ID = 'campaign-dialer-tick';

@Processor(QUEUES.campaignDialer)
export class DialerProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger('DialerProcessor');

  constructor(
    private readonly dialer: DialerService,
    @InjectQueue(QUEUES.campaignDialer) private readonly queue: Queue,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.runsWorkers) return;
    await this.queue.upsertJobScheduler(
      SCHEDULER_ID,
      { every: this.config.campaigns.dialerIntervalMs },
      { name: DIALER_JOBS.tick, data: {}, opts: { removeOnComplete: { count: 10 }, removeOnFail: { count: 100 } } },
    );
  }

  async process(job: Job): Promise<CampaignTick[]> {
    if (job.name !== DIALER_JOBS.tick) throw new UnrecoverableError(`No handler for campaign-dialer job "${job.name}"`);
    const started = Date.now();
    const results = await this.dialer.tick();
    const ms = Date.now() - started;
    // A tick is one line at debug; a slow one is worth a warning (the next ticks queue behind it).
    if (ms > this.config.campaigns.dialerIntervalMs) this.logger.warn({ ms, campaigns: results.length }, 'Dialer tick slower than its interval');
    else this.logger.debug({ ms, campaigns: results.length }, 'Dialer tick');
    return results;
  }
}
