import { Injectable, Logger } from '@nestjs/common';
import type { Campaign } from 'src/campaigns/campaign.entity';
import { CampaignsService } from 'src/campaigns/campaigns.service';
import { trimDecimal } from 'src/campaigns/dto/campaign.response';
import { compareDecimal } from 'src/campaigns/scheduling/decimal';
import { CallWithdrawal } from './call-withdrawal.service';

export const spendCapReached = (c: Pick<Campaign, 'spentAmount' | 'spendCapAmount'>): boolean =>
  c.spendCapAmount !== null && compareDecimal(c.spentAmount, c.spendCapAmount) >= 0;

export const spendCapReason = (c: Pick<Campaign, 'spentAmount' | 'spendCapAmount' | 'spendCapCurrency'>): string =>
  `Spend cap reached: ${trimDecimal(c.spentAmount)} of ${trimDecimal(c.spendCapAmount ?? '0')} ${c.spendCapCurrency}`;

// The system's own pauses (spend cap, a call request Sinch would refuse): the campaign stops with the reason, and
// the calls it queued but has not dialled yet are withdrawn. Operators pause through CampaignsService.transition.
@Injectable()
export class CampaignPauser {
  private readonly logger = new Logger('CampaignPauser');

  constructor(
    private readonly campaigns: CampaignsService,
    private readonly withdrawal: CallWithdrawal,
  ) {}

  // After a call's debit was added: pauses a running campaign whose spend reached its cap.
  async pauseIfOverSpend(campaignId: string): Promise<boolean> {
    const current = await this.campaigns.findOrFail(campaignId);
    if (current.status !== 'running' || !spendCapReached(current)) return false;
    return this.pause(campaignId, spendCapReason(current), 'spend cap reached');
  }

  async pause(campaignId: string, reason: string, withdrawReason: string): Promise<boolean> {
    if (!(await this.campaigns.move(campaignId, 'pause', reason))) return false;
    this.logger.warn({ campaignId, reason }, 'Campaign paused');
    await this.withdrawal.withdrawCampaign(campaignId, withdrawReason);
    return true;
  }
}
