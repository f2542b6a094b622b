import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Call } from 'src/calls/call.entity';
import { isFinalState } from 'src/calls/call-state';
import { CallsService } from 'src/calls/calls.service';
import { Campaign } from 'src/campaigns/campaign.entity';
import { DncService } from 'src/compliance/dnc.service';
import { classifyAttempt, decideNext, type ContactDecision } from 'src/campaigns/scheduling/retry-policy';
import { returnedRows } from 'src/common/sql-rows';
import { CallEvidence, type AttemptEvidence } from './call-evidence.service';
import { usesAgents } from './dial-mode';
import { CampaignPauser } from './campaign-pauser.service';

export type SettleResult = 'settled' | 'already_settled' | 'not_final' | 'not_campaign';

interface ContactRow {
  id: string;
  phone: string;
  attempts: number;
  time_zone: string;
  status: string;
  last_call_id: string | null;
}

// Turns a finished campaign call into the contact's next step (retry at a time, or a final status), once: the
// campaign_attempts row keyed by the call id is inserted first, and only the transaction that inserts it moves the
// contact, records an opt-out and adds the cost. The DiCE follow-up, the reconciler's and the dialer's sweep may
// all call this for the same call.
@Injectable()
export class AttemptSettler {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly calls: CallsService,
    private readonly evidence: CallEvidence,
    private readonly dnc: DncService,
    private readonly pauser: CampaignPauser,
  ) {}

  async settle(callId: string, now = new Date()): Promise<SettleResult> {
    const call = await this.calls.findById(callId);
    if (!call?.campaignId || !call.contactId) return 'not_campaign';
    if (!isFinalState(call.state)) return 'not_final';
    const campaign = await this.dataSource.getRepository(Campaign).findOneBy({ id: call.campaignId });
    const contact = (
      await this.dataSource.query<ContactRow[]>('SELECT id, phone, attempts, time_zone, status, last_call_id FROM campaign_contacts WHERE id = $1', [
        call.contactId,
      ])
    )[0];
    if (!campaign || !contact) return 'not_campaign';

    // Only an answered call can have met a machine or a menu.
    const evidence: AttemptEvidence = call.state === 'completed' ? await this.evidence.of(callId) : { machine: false, actions: [] };
    const optedOut = evidence.actions.includes('opt_out');
    const abandoned = call.state === 'completed' && usesAgents(campaign.dialing) && (await this.wasAbandoned(call));
    const outcome = classifyAttempt({
      callState: call.state as Parameters<typeof classifyAttempt>[0]['callState'],
      machine: evidence.machine,
      optedOut,
      abandoned,
    });
    const decision = await this.decide(campaign, contact, outcome, now);

    const capReached = await this.dataSource.transaction(async (m) => {
      const inserted: unknown[] = await m.query(
        `INSERT INTO campaign_attempts (call_id, campaign_id, contact_id, attempt, outcome, contact_status, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (call_id) DO NOTHING RETURNING call_id`,
        [callId, campaign.id, contact.id, contact.attempts, outcome, statusOf(decision), decision.kind === 'retry' ? decision.at : null],
      );
      if (inserted.length === 0) return null;
      await m.query(
        `UPDATE campaign_contacts SET status = $3, next_attempt_at = coalesce($4, next_attempt_at), last_result = $5, updated_at = now()
         WHERE id = $1 AND last_call_id = $2 AND status = 'in_progress'`,
        [contact.id, callId, statusOf(decision), decision.kind === 'retry' ? decision.at : null, outcome],
      );
      if (optedOut) await this.recordOptOut(m, campaign, contact.phone, callId);
      return this.addSpend(m, campaign, call);
    });
    if (capReached === null) return 'already_settled';
    if (capReached) await this.pauser.pauseIfOverSpend(campaign.id);
    return 'settled';
  }

  // A person the dialer reached and no agent took within the connect delay (their queue entry says so).
  private async wasAbandoned(call: Call): Promise<boolean> {
    if (!call.sinchCallId) return false;
    const rows: { abandoned: boolean }[] = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM queue_entries WHERE sinch_call_id = $1 AND end_reason = 'no_agent') AS abandoned`,
      [call.sinchCallId],
    );
    return rows[0]?.abandoned === true;
  }

  // The callee pressed the opt-out key: the number goes on the do-not-call list in the same transaction.
  async recordOptOut(m: EntityManager | undefined, campaign: Pick<Campaign, 'id' | 'message'>, phone: string, callId: string): Promise<void> {
    const scope = campaign.message.type === 'ivr' && campaign.message.optOutScope === 'campaign' ? campaign.id : null;
    await this.dnc.add({ phone, campaignId: scope, source: 'opt_out', reason: 'Opted out with the IVR key', actor: `callee (call ${callId})` }, m);
  }

  private async decide(campaign: Campaign, contact: ContactRow, outcome: ReturnType<typeof classifyAttempt>, now: Date): Promise<ContactDecision> {
    const decision = decideNext({
      outcome,
      attempts: contact.attempts,
      policy: campaign.retryPolicy,
      now,
      window: campaign.callingWindow,
      zone: contact.time_zone,
      machineLeavesMessage: campaign.machineAction === 'message',
    });
    if (decision.kind === 'final') return decision;
    // An abandoned callee's retry (72 h at the soonest) past the campaign's end would never be made: completed now
    // (the person heard who called), not left pending to be skipped at the end with its result overwritten.
    if (outcome === 'abandoned' && campaign.endAt && decision.at >= campaign.endAt) return { kind: 'final', status: 'completed', outcome };
    // A retry is only worth scheduling while the campaign goes on and the number may still be called.
    if (campaign.status === 'completed' || campaign.status === 'cancelled') return { kind: 'final', status: 'skipped', outcome };
    if ((await this.dnc.check(contact.phone, campaign.id)).blocked) return { kind: 'final', status: 'dnc', outcome };
    return decision;
  }

  // Adds the call's debit to the campaign's spend when it is in the cap's currency; true once the cap is reached.
  private async addSpend(m: EntityManager, campaign: Campaign, call: Call): Promise<boolean> {
    if (!campaign.spendCapCurrency || !call.debitAmount || call.debitCurrency?.trim() !== campaign.spendCapCurrency) return false;
    const rows = returnedRows<{ reached: boolean }>(
      await m.query('UPDATE campaigns SET spent_amount = spent_amount + $2 WHERE id = $1 RETURNING spent_amount >= spend_cap_amount AS reached', [
        campaign.id,
        call.debitAmount,
      ]),
    );
    return rows[0]?.reached === true;
  }
}

function statusOf(decision: ContactDecision): string {
  return decision.kind === 'retry' ? 'pending' : decision.status;
}
