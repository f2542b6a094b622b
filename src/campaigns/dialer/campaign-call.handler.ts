import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CallbackHandlers, type AnswerContext, type FollowUpContext } from 'src/calls/handlers/callback-handlers.service';
import { decodeCallCustom } from 'src/calls/call-custom';
import type { AceEvent, DiceEvent, PieEvent } from 'src/sinch/callback-events';
import { buildSvaml, svaml } from 'src/sinch/svaml/svaml.builders';
import type { Svaml } from 'src/sinch/svaml/svaml.types';
import { abandonText, aceAnswer, agentWhisper, calleeEntryId, MAIN_MENU, pieAnswer, type CampaignScript } from './campaign-answers';
import { SinchVoiceClient } from 'src/sinch/voice-client';
import { usesAgents } from './dial-mode';
import { QueueBridge } from 'src/queues/queue-bridge.service';
import { readTag, type CampaignCallTag } from './campaign-call-tag';
import { CampaignScripts } from './campaign-scripts.service';
import { RouteTargets } from 'src/numbers/routing/route-targets.service';
import { RecordingPolicies, type PolicyTarget } from 'src/recordings/recording-policies.service';
import { AttemptSettler } from './attempt-settler.service';

// The consent menu's id ("press 9 to not be recorded"); the campaign's own IVR menu is MAIN_MENU.
const CONSENT_MENU = 'rec-consent';
const OWN_MENUS: readonly string[] = [CONSENT_MENU, MAIN_MENU];
const campaignTarget = (tag: CampaignCallTag): PolicyTarget[] => [{ type: 'campaign', id: tag.campaignId }];

// The campaign feature's part of the webhook: answers the ACE and PIE of its calls from memory (the script cache
// and the tag in `custom`), records opt-outs, and settles each call's attempt when its DiCE arrives.
@Injectable()
export class CampaignCallHandler implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('CampaignCalls');
  private unregister?: () => void;

  constructor(
    private readonly handlers: CallbackHandlers,
    private readonly scripts: CampaignScripts,
    private readonly settler: AttemptSettler,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly recording: RecordingPolicies,
    private readonly routeTargets: RouteTargets,
    private readonly bridge: QueueBridge,
    private readonly voice: SinchVoiceClient,
  ) {}

  onModuleInit(): void {
    this.unregister = this.handlers.register({
      name: 'campaigns',
      priority: 50,
      ace: (event, ctx) => this.ace(event, ctx),
      pie: (event, ctx) => this.pie(event, ctx),
      dice: (event, ctx) => this.dice(event, ctx),
    });
  }

  onModuleDestroy(): void {
    this.unregister?.();
  }

  private ace(event: AceEvent, ctx: AnswerContext): Svaml | undefined {
    const found = this.lookup(ctx);
    if (!found) return undefined;
    if (!found.script) return this.unknownCampaign(found.tag, 'ace');
    // A machine is not recorded: there is nobody to tell. It is never bridged to an agent either.
    if (event.amd?.status === 'machine') return aceAnswer(found.script, found.tag.vars, event.amd);
    const targets = campaignTarget(found.tag);
    // "Press 9 to not be recorded" first when the campaign's policy asks; its PIE answers the campaign's message.
    const ask = this.recording.consentMenu(targets, CONSENT_MENU, found.script.locale);
    if (ask) return ask;
    return this.recording.applyTo(this.personAnswer(event.callId, ctx, found.script, found.tag), targets, found.script.locale);
  }

  // What a person who answered hears: the message (TTS or IVR), or, dialing for agents, the hold before the queue.
  private personAnswer(sinchCallId: string, ctx: AnswerContext, script: CampaignScript, tag: CampaignCallTag): Svaml {
    return usesAgents(script.dialing) ? this.toAgent(sinchCallId, ctx, script, tag) : aceAnswer(script, tag.vars, undefined);
  }

  // Progressive / predictive: a person answered. They wait in a room (music) and are handed to the campaign's
  // queue after the answer, with the connect delay as their own wait limit and the abandon message to hear past it.
  private toAgent(sinchCallId: string, ctx: AnswerContext, script: CampaignScript, tag: CampaignCallTag): Svaml {
    const entryId = calleeEntryId(sinchCallId);
    void this.admit(sinchCallId, ctx, script, tag, entryId);
    return this.bridge.holdAnswer(entryId);
  }

  private async admit(sinchCallId: string, ctx: AnswerContext, script: CampaignScript, tag: CampaignCallTag, entryId: string): Promise<void> {
    const answeredAt = new Date();
    try {
      const rows: { phone: string; attributes: Record<string, unknown> }[] = await this.dataSource.query(
        'SELECT phone, attributes FROM campaign_contacts WHERE id = $1',
        [tag.contactId],
      );
      const attributes = rows[0]?.attributes ?? {};
      await this.bridge.admit({
        entryId,
        queueId: script.dialing.queueId as string,
        sinchCallId,
        toNumber: rows[0]?.phone,
        answeredAt,
        campaignId: script.id,
        whisper: agentWhisper(script.name, attributes),
        context: { campaignId: script.id, contactId: tag.contactId, callId: ctx.callId ?? null, attributes },
        giveUpAfterMs: Math.round(script.dialing.connectDelayS * 1000),
        giveUpText: abandonText(script, tag.vars, tag.cli),
      });
    } catch (err) {
      // No entry: nothing would ever end this hold. The callee hears the abandon message now, and is counted as
      // abandoned (settled so, in the abandon rates) by an entry ended 'no_agent', written before the hang-up.
      this.logger.error({ err, campaignId: script.id, sinchCallId }, 'Handing a campaign callee to its queue failed; hanging up with the abandon message');
      await this.recordAbandon(sinchCallId, script, entryId, answeredAt, tag.contactId);
      await this.abandon(sinchCallId, script, tag);
    }
  }

  // The abandon of a callee who never got their queue entry: one ended at once, 'no_agent'. An entry written after all
  // (the hand-over failed later, offering agents) stands and ends its own way.
  private async recordAbandon(sinchCallId: string, script: CampaignScript, entryId: string, answeredAt: Date, contactId: string): Promise<void> {
    try {
      await this.dataSource.query(
        `INSERT INTO queue_entries (id, queue_id, sinch_call_id, entry_route, enqueued_at, parked_at, state, ended_at, wait_ms, end_reason, campaign_id, dialled)
         SELECT $1, $2, $3, 'campaign_bridge', $4, $4, 'overflowed', now(), GREATEST(0, EXTRACT(EPOCH FROM (now() - $4::timestamptz)) * 1000)::int, 'no_agent', $5,
                (SELECT phone FROM campaign_contacts WHERE id = $6)
         ON CONFLICT DO NOTHING`,
        [entryId, script.dialing.queueId, sinchCallId, answeredAt, script.id, contactId],
      );
    } catch (err) {
      this.logger.error({ err, campaignId: script.id, sinchCallId }, 'Recording the abandon of a campaign callee without a queue entry failed');
    }
  }

  private async abandon(sinchCallId: string, script: CampaignScript, tag: CampaignCallTag): Promise<void> {
    try {
      await this.voice.manageCall(sinchCallId, buildSvaml(svaml.hangup(), svaml.say(abandonText(script, tag.vars, tag.cli), script.locale)));
    } catch (err) {
      this.logger.error({ err, campaignId: script.id, sinchCallId }, 'Hanging up a campaign callee left on hold failed');
    }
  }

  private pie(event: PieEvent, ctx: AnswerContext): Svaml | undefined {
    const found = this.lookup(ctx);
    // A menu that is not the campaign's (the consent menu of the queue its IVR sent the callee to) is answered
    // by the handler that ran it.
    const menuId = event.menuResult.menuId;
    if (!found || (menuId !== undefined && !OWN_MENUS.includes(menuId))) return undefined;
    if (!found.script) return this.unknownCampaign(found.tag, 'pie');
    // The consent menu answered (a key, or none): the message, recorded unless the callee declined.
    if (event.menuResult.menuId === CONSENT_MENU) {
      const answer = this.personAnswer(event.callId, ctx, found.script, found.tag);
      return this.recording.afterConsent(event.menuResult, answer, campaignTarget(found.tag), found.script.locale);
    }
    const decision = pieAnswer(found.script, found.tag.vars, found.tag.cli, event.menuResult);
    // Put on the list at once, off the answer path; the DiCE follow-up records it again (idempotent) in case
    // this process dies before it is written.
    if (decision.action === 'opt_out' && ctx.callId) void this.optOut(found.script, found.tag, ctx.callId);
    const message = found.script.message;
    const queue = decision.action === 'agent' && message.type === 'ivr' && message.agentQueueId ? this.routeTargets.get('queue') : undefined;
    if (decision.action === 'agent' && message.type === 'ivr' && message.agentQueueId && !queue) {
      this.logger.warn(
        { campaignId: found.tag.campaignId, queueId: message.agentQueueId },
        'No queue target loaded for the agent key; the callee hears the goodbye',
      );
    }
    if (queue && message.type === 'ivr' && message.agentQueueId) {
      try {
        // Parked in the queue (from memory, like an inbound caller); the campaign's caller id stands for "our number".
        return queue.answer(message.agentQueueId, { dialled: found.tag.cli, sinchCallId: event.callId, receivedAt: new Date(), via: 'campaign' });
      } catch (err) {
        this.logger.warn({ err, campaignId: found.tag.campaignId }, 'Campaign agent queue is not loaded; the callee hears the goodbye');
      }
    }
    return decision.svaml;
  }

  private async dice(event: DiceEvent, ctx: FollowUpContext): Promise<void> {
    if (!ctx.callId) return;
    const custom = decodeCallCustom(event.custom);
    // Another feature's call (its custom says so) costs no query; without a custom (a reconciled call) the
    // call row decides.
    if (custom && !readTag(custom.extra)) return;
    if (!custom && !(await ctx.call())?.campaignId) return;
    await this.settler.settle(ctx.callId);
  }

  private lookup(ctx: AnswerContext): { tag: CampaignCallTag; script: CampaignScript | undefined } | undefined {
    const tag = readTag(ctx.custom?.extra);
    return tag ? { tag, script: this.scripts.get(tag.campaignId) } : undefined;
  }

  // Never leave a campaign call on an open, silent line: without its script, end it (it is retried per policy).
  private unknownCampaign(tag: CampaignCallTag, event: string): Svaml {
    this.logger.error({ campaignId: tag.campaignId, event }, 'No script loaded for this campaign; hanging up');
    return buildSvaml(svaml.hangup());
  }

  private async optOut(script: CampaignScript, tag: CampaignCallTag, callId: string): Promise<void> {
    try {
      const rows: { phone: string }[] = await this.dataSource.query('SELECT phone FROM campaign_contacts WHERE id = $1', [tag.contactId]);
      if (rows[0]) await this.settler.recordOptOut(undefined, { id: script.id, message: script.message }, rows[0].phone, callId);
    } catch (err) {
      this.logger.error({ err, callId }, 'Recording an opt-out failed; the DiCE follow-up will record it');
    }
  }
}
