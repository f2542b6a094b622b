import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CallsService } from 'src/calls/calls.service';
import { CalloutJobs } from 'src/callouts/queue/callout-jobs.service';
import { toStoredCallout } from 'src/callouts/stored-callout';
import type { Campaign } from 'src/campaigns/campaign.entity';
import { CampaignsService } from 'src/campaigns/campaigns.service';
import { trimDecimal } from 'src/campaigns/dto/campaign.response';
import { openZones } from 'src/campaigns/scheduling/calling-window';
import { compareDecimal } from 'src/campaigns/scheduling/decimal';
import { pacingBudget } from 'src/campaigns/scheduling/pacing';
import { AppConfig } from 'src/config/app-config';
import { AttemptSettler } from './attempt-settler';
import { CallWithdrawal } from './call-withdrawal';
import { callerIdFor, campaignCallout, templateVariables } from './campaign-callout';
import { DialerRepository, type Candidate } from './dialer.repository';

export type CampaignTick =
  | { campaignId: string; outcome: 'busy' | 'not_running' | 'not_started' }
  | { campaignId: string; outcome: 'dialled'; dialled: number; dnc: number; capped: number; budget: number; openZones: number }
  | { campaignId: string; outcome: 'completed' | 'paused'; reason: string };

// Inside the tick: the calls to enqueue once the claim has committed.
type ClaimedTick = CampaignTick & { callIds?: string[] };

// Calls are swept this long after they ended (the DiCE follow-up normally settles them at once).
export const SETTLE_SWEEP_AFTER_S = 10;

// One dialer tick: for each running campaign, claim what its pacing and calling windows allow, guard each number
// (do-not-call, frequency cap) right before dialling, write the call rows in the same transaction, then hand them
// to the callouts queue. Complete campaigns with nothing left, and pause those over their spend cap.
@Injectable()
export class DialerService {
  private readonly logger = new Logger('Dialer');

  constructor(
    private readonly repository: DialerRepository,
    private readonly calls: CallsService,
    private readonly calloutQueue: CalloutJobs,
    private readonly campaigns: CampaignsService,
    private readonly settler: AttemptSettler,
    private readonly withdrawal: CallWithdrawal,
    private readonly config: AppConfig,
  ) {}

  async tick(now = new Date()): Promise<CampaignTick[]> {
    const ids = await this.repository.dialableCampaignIds(this.config.campaigns.configRefreshMs);
    const results: CampaignTick[] = [];
    for (const id of ids) results.push(await this.tickCampaign(id, now));
    return results;
  }

  async tickCampaign(campaignId: string, now = new Date()): Promise<CampaignTick> {
    const tick = await this.repository.transaction(async (m): Promise<ClaimedTick> => {
      const campaign = await this.repository.lockRunning(m, campaignId);
      if (!campaign) return { campaignId, outcome: 'busy' };
      if (campaign.endAt && campaign.endAt <= now) return { campaignId, outcome: 'completed', reason: 'end time reached' };
      if (campaign.startAt && campaign.startAt > now) return { campaignId, outcome: 'not_started' };
      if (campaign.spendCapAmount !== null && compareDecimal(campaign.spentAmount, campaign.spendCapAmount) >= 0) {
        return { campaignId, outcome: 'paused', reason: spendReason(campaign) };
      }
      if (!(await this.repository.hasWorkLeft(m, campaignId))) return { campaignId, outcome: 'completed', reason: 'all contacts done' };
      return this.claimAndDial(m, campaign, now);
    });
    return this.finish(tick);
  }

  private async claimAndDial(m: EntityManager, campaign: Campaign, now: Date): Promise<ClaimedTick> {
    const pace = pacingBudget({
      callsPerSecond: Number(campaign.callsPerSecond),
      maxConcurrent: campaign.maxConcurrent,
      inFlight: await this.repository.inFlight(m, campaign.id),
      bucket: campaign.pacingAt && campaign.pacingTokens !== null ? { tokens: campaign.pacingTokens, at: campaign.pacingAt } : null,
      now,
      maxPerTick: this.config.campaigns.dialerMaxPerTick,
    });
    const zones = openZones(campaign.callingWindow, await this.repository.pendingZones(m, campaign.id), now);
    const candidates = await this.repository.claimCandidates(m, campaign.id, zones, now, pace.budget);
    await this.repository.lockNumbers(m, candidates.map((c) => c.phone));
    const { calls: capCalls, windowH } = this.config.campaigns.frequencyCap;
    const guards = await this.repository.guards(m, campaign.id, candidates.map((c) => c.phone), { calls: capCalls, windowS: windowH * 3600 });

    const dnc: string[] = [];
    const capped: { contactId: string; until: Date }[] = [];
    const dialable: Candidate[] = [];
    for (const candidate of candidates) {
      const guard = guards.get(candidate.phone);
      if (guard?.dnc) dnc.push(candidate.id);
      else if (guard?.capFreeAt) capped.push({ contactId: candidate.id, until: guard.capFreeAt });
      else dialable.push(candidate);
    }

    const variables = templateVariables(campaign);
    const dials: { contactId: string; callId: string }[] = [];
    for (const [i, contact] of dialable.entries()) {
      const cli = callerIdFor(campaign.callerIds, campaign.dialSequence + i);
      const { request, extra } = campaignCallout(campaign, { ...contact, attempt: contact.attempts + 1 }, cli, variables);
      const call = await this.calls.createOutbound(
        {
          kind: 'custom',
          toNumber: contact.phone,
          fromNumber: cli,
          country: contact.country ?? undefined,
          request: toStoredCallout(request, extra),
          campaignId: campaign.id,
          contactId: contact.id,
        },
        m,
      );
      dials.push({ contactId: contact.id, callId: call.id });
    }
    await this.repository.markInProgress(m, dials, now);
    await this.repository.markDnc(m, dnc);
    await this.repository.deferCapped(m, capped);
    await this.repository.savePacing(m, campaign.id, pace.settle(dials.length), dials.length);
    return {
      campaignId: campaign.id,
      outcome: 'dialled',
      dialled: dials.length,
      dnc: dnc.length,
      capped: capped.length,
      budget: pace.budget,
      openZones: zones.length,
      callIds: dials.map((d) => d.callId),
    };
  }

  // After the claim committed: enqueue the calls (a crash before this leaves queued rows the callouts sweep
  // enqueues), or complete / pause the campaign outside the claim's transaction.
  private async finish(tick: ClaimedTick): Promise<CampaignTick> {
    if (tick.outcome === 'dialled') {
      await Promise.all(
        (tick.callIds ?? []).map((callId) =>
          this.calloutQueue.enqueue(callId).catch((err: unknown) => this.logger.error({ err, callId }, 'Enqueue failed; the callouts sweep will retry')),
        ),
      );
      const { callIds: _ids, ...result } = tick;
      if (result.dialled > 0 || result.dnc > 0) this.logger.log(result, 'Dialer tick');
      return result;
    }
    if (tick.outcome === 'completed') {
      if (await this.campaigns.move(tick.campaignId, 'complete', tick.reason)) this.logger.log(tick, 'Campaign completed');
    }
    if (tick.outcome === 'paused' && (await this.campaigns.move(tick.campaignId, 'pause', tick.reason))) {
      this.logger.warn(tick, 'Campaign paused');
      await this.withdrawal.withdrawCampaign(tick.campaignId, 'spend cap reached');
    }
    return tick;
  }

  // The safety net for DiCE follow-ups that did not run: settle calls that ended but left their contact in progress.
  async sweepUnsettled(): Promise<number> {
    const callIds = await this.repository.unsettledCalls(SETTLE_SWEEP_AFTER_S, 200);
    let settled = 0;
    for (const callId of callIds) {
      try {
        if ((await this.settler.settle(callId)) === 'settled') settled += 1;
      } catch (err) {
        this.logger.error({ err, callId }, 'Settling a campaign call failed; the next sweep retries');
      }
    }
    if (settled > 0) this.logger.log({ settled }, 'Settled campaign calls without a follow-up');
    return settled;
  }
}

function spendReason(c: Campaign): string {
  return `Spend cap reached: ${trimDecimal(c.spentAmount)} of ${trimDecimal(c.spendCapAmount ?? '0')} ${c.spendCapCurrency}`;
}
