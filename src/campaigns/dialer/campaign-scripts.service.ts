import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Campaign } from 'src/campaigns/campaign.entity';
import { startRefreshing } from 'src/common/refresh-loop';
import { AppConfig } from 'src/config/app-config';
import { scriptOf, type CampaignScript } from './campaign-answers';

// Calls of a campaign that has just ended may still be talking: their scripts are kept this much longer.
const KEEP_FINISHED_H = 6;

// Every API process keeps the scripts of live campaigns in memory, reloaded every CAMPAIGN_CONFIG_REFRESH_MS, so
// the webhook answers a campaign call's ACE / PIE without a query. The dialer waits as long after a start or a
// resume before dialling, so no process meets a call of a campaign it has not loaded.
@Injectable()
export class CampaignScripts implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CampaignScripts');
  private scripts = new Map<string, CampaignScript>();
  private stopRefreshing?: () => void;

  constructor(
    @InjectRepository(Campaign) private readonly campaigns: Repository<Campaign>,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.runsApi) return;
    this.stopRefreshing = await startRefreshing(this.logger, 'campaign scripts', this.config.campaigns.configRefreshMs, () => this.refresh());
  }

  onApplicationShutdown(): void {
    this.stopRefreshing?.();
  }

  get(id: string): CampaignScript | undefined {
    return this.scripts.get(id);
  }

  // The process that changed a campaign sees the change at once; the others at their next reload.
  put(campaign: Campaign): void {
    this.scripts.set(campaign.id, scriptOf(campaign));
  }

  async refresh(): Promise<void> {
    const rows = await this.campaigns
      .createQueryBuilder('c')
      .where(`c.status IN ('running', 'paused')`)
      .orWhere(`c.finished_at > now() - make_interval(hours => ${KEEP_FINISHED_H})`)
      .getMany();
    this.scripts = new Map(rows.map((c) => [c.id, scriptOf(c)]));
  }
}
