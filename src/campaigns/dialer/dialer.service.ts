import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CallerIdPoolResolver, type OpenedPool } from 'src/callouts/caller-id-pools.service';
import { CalloutsService, InvalidCallRequestError } from 'src/callouts/callouts.service';
import { AppError } from 'src/common/app-error';
import type { Campaign } from 'src/campaigns/campaign.entity';
import { CampaignsService } from 'src/campaigns/campaigns.service';
import { openZones } from 'src/campaigns/scheduling/calling-window';
import { pacingBudget } from 'src/campaigns/scheduling/pacing';
import { AppConfig } from 'src/config/app-config';
import { AdminEvents } from 'src/events/admin-events.service';
import { QueueBridge } from 'src/queues/queue-bridge.service';
import { AttemptSettler } from './attempt-settler.service';
import { callerIdFor, campaignCallout, templateVariables } from './campaign-callout';
import { CampaignPauser, spendCapReached, spendCapReason } from './campaign-pauser.service';
import { agentBudget, decide, isDue, RECENT_WINDOW_MIN, type DialDecision } from './dial-level';
import { usesAgents } from './dial-mode';
import { DialerRepository, type Candidate } from './dialer.repository';

export type CampaignTick =
  | { campaignId: string; outcome: 'busy' | 'not_running' | 'not_started' }
  | {
      campaignId: string;
      outcome: 'dialled';
      dialled: number;
      dnc: number;
      capped: number;
      // Held back: a campaign call abandoned the person within 72 h.
      recentlyAbandoned: number;
      budget: number;
      openZones: number;
      // Agent modes: the dial level in force and what it allowed this tick.
      dialLevel?: number;
      agentBudget?: number;
    }
  | { campaignId: string; outcome: 'completed'; reason: string }
  | { campaignId: string; outcome: 'paused'; cause: keyof typeof WITHDRAW_REASON; reason: string };

// What the withdrawn calls of a paused campaign say (their error message).
const WITHDRAW_REASON = { spend_cap: 'spend cap reached', invalid_request: 'invalid call request' } as const;

// Calls are swept this long after they ended (the DiCE follow-up normally settles them at once).
export const SETTLE_SWEEP_AFTER_S = 10;

// One dialer tick: for each running campaign, claim what its pacing and calling windows allow, guard each number
// (do-not-call, frequency cap) right before dialling, and place the calls in the same transaction (callouts enqueue
// them once it commits). Complete campaigns with nothing left; pause those over their spend cap, or whose call
// request Sinch would refuse (the reason names the field: an operator fixes the settings and resumes).
@Injectable()
export class DialerService {
  private readonly logger = new Logger('Dialer');

  constructor(
    private readonly repository: DialerRepository,
    private readonly callouts: CalloutsService,
    private readonly campaigns: CampaignsService,
    private readonly settler: AttemptSettler,
    private readonly pauser: CampaignPauser,
    private readonly config: AppConfig,
    private readonly pools: CallerIdPoolResolver,
    private readonly bridge: QueueBridge,
    private readonly events: AdminEvents,
  ) {}

  async tick(now = new Date()): Promise<CampaignTick[]> {
    const { ids, anyUsesAgents } = await this.repository.dialableCampaigns(this.config.campaigns.configRefreshMs);
    // Callees past their connect delay hear the abandon message, free agents are offered waiting callees: at the
    // dialer's pace rather than the queues sweep's, and before the agent counts below are read. Only when a
    // campaign dials for agents; a failure is logged (the queues sweep does the same work later) and every
    // campaign is still ticked.
    if (anyUsesAgents) await this.bridgePass();
    const results: CampaignTick[] = [];
    for (const id of ids) results.push(await this.tickCampaign(id, now));
    return results;
  }

  private async bridgePass(): Promise<void> {
    try {
      await this.bridge.pass();
    } catch (err) {
      this.logger.error({ err }, 'Queue bridge pass failed; ticking the campaigns anyway');
    }
  }

  async tickCampaign(campaignId: string, now = new Date()): Promise<CampaignTick> {
    let tick: CampaignTick;
    try {
      tick = await this.repository.transaction(async (m): Promise<CampaignTick> => {
        const campaign = await this.repository.lockRunning(m, campaignId);
        if (!campaign) return { campaignId, outcome: 'busy' };
        if (campaign.endAt && campaign.endAt <= now) return { campaignId, outcome: 'completed', reason: 'end time reached' };
        if (campaign.startAt && campaign.startAt > now) return { campaignId, outcome: 'not_started' };
        if (spendCapReached(campaign)) return { campaignId, outcome: 'paused', cause: 'spend_cap', reason: spendCapReason(campaign) };
        if (!(await this.repository.hasWorkLeft(m, campaignId))) return { campaignId, outcome: 'completed', reason: 'all contacts done' };
        return this.claimAndDial(m, campaign, now);
      });
    } catch (err) {
      // Nothing was claimed or placed (the transaction rolled back); retrying would fail the same way every tick.
      if (!(err instanceof InvalidCallRequestError)) throw err;
      tick = { campaignId, outcome: 'paused', cause: 'invalid_request', reason: err.message };
    }
    return this.finish(tick);
  }

  private async claimAndDial(m: EntityManager, campaign: Campaign, now: Date): Promise<CampaignTick> {
    const agents = usesAgents(campaign.dialing) ? await this.agentAllowance(m, campaign, now) : undefined;
    const pace = pacingBudget({
      callsPerSecond: Number(campaign.callsPerSecond),
      maxConcurrent: campaign.maxConcurrent,
      inFlight: await this.repository.inFlight(m, campaign.id),
      nextDialAt: campaign.nextDialAt,
      now,
      horizonMs: 2 * this.config.campaigns.dialerIntervalMs,
      maxPerTick: this.config.campaigns.dialerMaxPerTick,
    });
    const zones = openZones(campaign.callingWindow, await this.repository.pendingZones(m, campaign.id), now);
    const budget = agents ? Math.min(pace.budget, agents.budget) : pace.budget;
    const candidates = await this.repository.claimCandidates(m, campaign.id, zones, now, budget);
    await this.repository.lockNumbers(
      m,
      candidates.map((c) => c.phone),
    );
    const { calls: capCalls, windowH } = this.config.campaigns.frequencyCap;
    const guards = await this.repository.guards(
      m,
      campaign.id,
      candidates.map((c) => c.phone),
      { calls: capCalls, windowS: windowH * 3600 },
    );

    const dnc: string[] = [];
    const capped: { contactId: string; until: Date; result: string }[] = [];
    const abandoned: { contactId: string; until: Date; result: string }[] = [];
    const dialable: Candidate[] = [];
    for (const candidate of candidates) {
      const guard = guards.get(candidate.phone);
      if (guard?.dnc) dnc.push(candidate.id);
      else if (guard?.abandonedUntil) abandoned.push({ contactId: candidate.id, until: guard.abandonedUntil, result: 'recently_abandoned' });
      else if (guard?.capFreeAt) capped.push({ contactId: candidate.id, until: guard.capFreeAt, result: 'frequency_capped' });
      else dialable.push(candidate);
    }

    const variables = templateVariables(campaign);
    const pool = campaign.callerIdPool && dialable.length > 0 ? await this.openPool(campaign.callerIdPool) : undefined;
    const placed = await this.callouts.place(
      m,
      dialable.map((contact, i) => {
        const cli = pool ? pool.pick(contact.phone) : callerIdFor(campaign.callerIds, campaign.dialSequence + i);
        const { request, extra } = campaignCallout(campaign, { ...contact, attempt: contact.attempts + 1 }, cli, variables);
        return {
          callout: { method: 'customCallout' as const, request },
          customExtra: extra,
          toNumber: contact.phone,
          fromNumber: cli,
          country: contact.country ?? undefined,
          campaignId: campaign.id,
          contactId: contact.id,
          dialAt: pace.dialAt(i),
        };
      }),
    );
    const dials = placed.map((call, i) => ({ contactId: dialable[i].id, callId: call.id }));
    await this.repository.markInProgress(m, dials, now);
    await this.repository.markDnc(m, dnc);
    await this.repository.defer(m, [...capped, ...abandoned]);
    await this.repository.savePacing(m, campaign.id, pace.next(dials.length), dials.length);
    return {
      campaignId: campaign.id,
      outcome: 'dialled',
      dialled: dials.length,
      dnc: dnc.length,
      capped: capped.length,
      recentlyAbandoned: abandoned.length,
      budget,
      openZones: zones.length,
      ...(agents ? { dialLevel: agents.decision.level, agentBudget: agents.budget } : {}),
    };
  }

  // The campaign's caller-id pool, read once per tick. A pool deleted or emptied since the campaign was saved pauses
  // it like any call request Sinch would refuse (the reason names cli.pool).
  private async openPool(name: string): Promise<OpenedPool> {
    try {
      return await this.pools.open(name, 'cli.pool');
    } catch (err) {
      if (err instanceof AppError && err.kind === 'invalid' && err.details) {
        throw new InvalidCallRequestError(err.details.map((d) => ({ ...d, message: d.message.replace(`${d.field}: `, '') })));
      }
      throw err;
    }
  }

  // Progressive and predictive: how many calls the campaign's agents allow this tick. The dial level is decided
  // again every DECIDE_EVERY_MS (inside this tick's lock: one decision per campaign, whichever worker ticks it),
  // stored on the campaign and, when it moved, sent on the event stream.
  private async agentAllowance(m: EntityManager, campaign: Campaign, now: Date): Promise<{ budget: number; decision: DialDecision }> {
    const queueId = campaign.dialing.queueId as string;
    const agents = await this.repository.agentPicture(m, queueId);
    const calls = await this.repository.callsInFlight(m, campaign.id);
    const previous = campaign.dialDecision;
    const history = await this.repository.dialHistory(m, campaign.id, RECENT_WINDOW_MIN);
    let decision = previous;
    if (!decision || isDue(previous, campaign.dialing, now, this.config.campaigns.dialDecideMs)) {
      decision = decide(campaign.dialing, previous, history, await this.repository.abandonRates(m, campaign.id, RECENT_WINDOW_MIN), now);
      await this.repository.saveDecision(m, campaign.id, decision);
      if (!previous || previous.level !== decision.level || previous.reason !== decision.reason) {
        void this.events.publish('campaigns', 'campaign.dial_level', { campaignId: campaign.id, previousLevel: previous?.level ?? null, ...decision });
      }
    }
    return { budget: agentBudget(decision, agents, calls, history), decision };
  }

  // After the claim committed (and its calls were queued): complete or pause the campaign outside the claim's
  // transaction.
  private async finish(tick: CampaignTick): Promise<CampaignTick> {
    if (tick.outcome === 'dialled' && (tick.dialled > 0 || tick.dnc > 0)) this.logger.log(tick, 'Dialer tick');
    if (tick.outcome === 'completed') {
      if (await this.campaigns.move(tick.campaignId, 'complete', tick.reason)) this.logger.log(tick, 'Campaign completed');
    }
    if (tick.outcome === 'paused') await this.pauser.pause(tick.campaignId, tick.reason, WITHDRAW_REASON[tick.cause]);
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
