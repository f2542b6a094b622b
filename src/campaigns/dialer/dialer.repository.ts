import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SQL_FINAL_STATES } from 'src/calls/call-state';
import { Campaign } from 'src/campaigns/campaign.entity';
import type { AbandonRates, AgentPicture, CallsInFlight, DialDecision, DialHistory } from './dial-level';
import { dncBlocksSql, frequencyCapFreeAtSql, recentAbandonUntilSql } from 'src/compliance/compliance.module';
import type { FrequencyCap } from 'src/compliance/compliance.service';

export interface Candidate {
  id: string;
  phone: string;
  country: string | null;
  attempts: number;
  attributes: Record<string, unknown>;
}

export interface Guard {
  phone: string;
  dnc: boolean;
  // Set when the frequency cap blocks the number: when its oldest counted call leaves the window.
  capFreeAt: Date | null;
  // Set when a campaign call (this campaign's or another's) abandoned the person within RECENT_ABANDON_QUIET_H: when
  // they may be called again.
  abandonedUntil: Date | null;
}

// The dialer's SQL. Everything here runs inside the claim transaction of one campaign (the manager), except the
// reads used to pick campaigns and to find calls left unsettled.
@Injectable()
export class DialerRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  // Running campaigns whose settings every API process has had time to load (see CampaignScripts).
  // The running campaigns to tick, and whether any of them dials for agents (progressive / predictive).
  async dialableCampaigns(settledForMs: number): Promise<{ ids: string[]; anyUsesAgents: boolean }> {
    const rows: { id: string; agentless: boolean }[] = await this.dataSource.query(
      `SELECT id, dialing->>'mode' = 'agentless' AS agentless FROM campaigns
       WHERE status = 'running' AND updated_at <= now() - make_interval(secs => $1) ORDER BY id`,
      [settledForMs / 1000],
    );
    return { ids: rows.map((r) => r.id), anyUsesAgents: rows.some((r) => !r.agentless) };
  }

  // The campaign row, locked for this tick: a second worker skips it rather than waiting (one tick per campaign
  // at a time, whichever worker runs it). null when it is not running, or being ticked elsewhere.
  async lockRunning(m: EntityManager, id: string): Promise<Campaign | null> {
    return m
      .getRepository(Campaign)
      .createQueryBuilder('c')
      .where(`c.id = :id AND c.status = 'running'`, { id })
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getOne();
  }

  async inFlight(m: EntityManager, campaignId: string): Promise<number> {
    const rows: { n: number }[] = await m.query(`SELECT count(*)::int AS n FROM campaign_contacts WHERE campaign_id = $1 AND status = 'in_progress'`, [
      campaignId,
    ]);
    return rows[0]?.n ?? 0;
  }

  // The zones pending contacts live in: a skip scan over ix_campaign_contacts_due, one index probe per zone.
  async pendingZones(m: EntityManager, campaignId: string): Promise<string[]> {
    const rows: { time_zone: string }[] = await m.query(
      `WITH RECURSIVE z AS (
         (SELECT time_zone FROM campaign_contacts WHERE campaign_id = $1 AND status = 'pending' ORDER BY time_zone LIMIT 1)
         UNION ALL
         SELECT (SELECT c.time_zone FROM campaign_contacts c
                 WHERE c.campaign_id = $1 AND c.status = 'pending' AND c.time_zone > z.time_zone ORDER BY c.time_zone LIMIT 1)
         FROM z WHERE z.time_zone IS NOT NULL
       )
       SELECT time_zone FROM z WHERE time_zone IS NOT NULL`,
      [campaignId],
    );
    return rows.map((r) => r.time_zone);
  }

  // Due pending contacts in zones whose window is open, oldest due first. SKIP LOCKED: a contact another
  // transaction holds (an import updating it) is left for the next tick, never dialled twice.
  async claimCandidates(m: EntityManager, campaignId: string, zones: string[], now: Date, limit: number): Promise<Candidate[]> {
    if (zones.length === 0 || limit <= 0) return [];
    return m.query(
      `SELECT id, phone, country, attempts, attributes FROM campaign_contacts
       WHERE campaign_id = $1 AND status = 'pending' AND time_zone = ANY($2::text[]) AND next_attempt_at <= $3
       ORDER BY next_attempt_at LIMIT $4
       FOR UPDATE SKIP LOCKED`,
      [campaignId, zones, now, limit],
    );
  }

  // Serialises dials to the same number across campaigns and workers until this transaction commits (with its
  // call rows), so the frequency cap counts every call. Locks are taken in phone order: no deadlock.
  async lockNumbers(m: EntityManager, phones: string[]): Promise<void> {
    if (phones.length === 0) return;
    await m.query(`SELECT count(pg_advisory_xact_lock(hashtextextended(p, 7211))) FROM (SELECT DISTINCT unnest($1::text[]) AS p ORDER BY 1) s`, [phones]);
  }

  // Right before dialling: on a do-not-call list (global or the campaign's, not expired)? Abandoned by a campaign
  // call within the last 72 hours? Over the frequency cap (calls to the number in the rolling window, from every
  // campaign and the callouts API)? The rules are the compliance module's, as SQL fragments: one statement for the
  // whole claimed set, inside the claim transaction.
  async guards(m: EntityManager, campaignId: string, phones: string[], cap: FrequencyCap): Promise<Map<string, Guard>> {
    const rows: { phone: string; dnc: boolean; cap_free_at: Date | null; abandoned_until: Date | null }[] = await m.query(
      `SELECT p.phone,
         ${dncBlocksSql('p.phone', '$2')} AS dnc,
         ${frequencyCapFreeAtSql('p.phone', '$3', '$4')} AS cap_free_at,
         ${recentAbandonUntilSql('p.phone')} AS abandoned_until
       FROM unnest($1::text[]) AS p(phone)`,
      [phones, campaignId, cap.windowS, cap.calls],
    );
    return new Map(rows.map((r) => [r.phone, { phone: r.phone, dnc: r.dnc, capFreeAt: r.cap_free_at, abandonedUntil: r.abandoned_until }]));
  }

  async markInProgress(m: EntityManager, dials: { contactId: string; callId: string }[], now: Date): Promise<void> {
    if (dials.length === 0) return;
    await m.query(
      `UPDATE campaign_contacts c SET status = 'in_progress', attempts = c.attempts + 1, last_call_id = v.call_id,
         last_attempt_at = $3, updated_at = now()
       FROM unnest($1::uuid[], $2::uuid[]) AS v(id, call_id) WHERE c.id = v.id`,
      [dials.map((d) => d.contactId), dials.map((d) => d.callId), now],
    );
  }

  async markDnc(m: EntityManager, contactIds: string[]): Promise<void> {
    if (contactIds.length === 0) return;
    await m.query(`UPDATE campaign_contacts SET status = 'dnc', last_result = 'dnc', updated_at = now() WHERE id = ANY($1::uuid[])`, [contactIds]);
  }

  // Contacts a guard holds back until a time, with why (last_result): 'frequency_capped', 'recently_abandoned'.
  async defer(m: EntityManager, deferrals: { contactId: string; until: Date; result: string }[]): Promise<void> {
    if (deferrals.length === 0) return;
    await m.query(
      `UPDATE campaign_contacts c SET next_attempt_at = v.until, last_result = v.result, updated_at = now()
       FROM unnest($1::uuid[], $2::timestamptz[], $3::text[]) AS v(id, until, result) WHERE c.id = v.id`,
      [deferrals.map((d) => d.contactId), deferrals.map((d) => d.until), deferrals.map((d) => d.result)],
    );
  }

  // Pacing state and the caller-id rotation counter; never touches updated_at (that marks settings changes).
  async savePacing(m: EntityManager, campaignId: string, nextDialAt: Date, dialled: number): Promise<void> {
    await m.query('UPDATE campaigns SET next_dial_at = $2, dial_sequence = dial_sequence + $3 WHERE id = $1', [campaignId, nextDialAt, dialled]);
  }

  async hasWorkLeft(m: EntityManager, campaignId: string): Promise<boolean> {
    const rows: { left: boolean }[] = await m.query(
      `SELECT EXISTS (SELECT 1 FROM campaign_contacts WHERE campaign_id = $1 AND status = 'pending')
           OR EXISTS (SELECT 1 FROM campaign_contacts WHERE campaign_id = $1 AND status = 'in_progress') AS left`,
      [campaignId],
    );
    return rows[0]?.left === true;
  }

  // Calls that ended a while ago whose contact is still in progress: their DiCE follow-up did not run (yet).
  async unsettledCalls(olderThanS: number, limit: number): Promise<string[]> {
    const rows: { call_id: string }[] = await this.dataSource.query(
      `SELECT c.last_call_id AS call_id FROM campaign_contacts c JOIN calls k ON k.id = c.last_call_id
       WHERE c.status = 'in_progress' AND k.state IN (${SQL_FINAL_STATES}) AND k.updated_at < now() - make_interval(secs => $1)
       LIMIT $2`,
      [olderThanS, limit],
    );
    return rows.map((r) => r.call_id);
  }

  // Calls of an agent-mode campaign that will want an agent: not ended and not yet with one. Ringing: placed and not
  // answered by a person yet (no queue entry); waiting: answered by a person, in the queue, no agent offered yet. A
  // callee offered to or talking with an agent has made that agent busy instead; one whose entry gave up (abandon
  // message playing) wants nobody.
  async callsInFlight(m: EntityManager, campaignId: string): Promise<CallsInFlight> {
    const rows: { ringing: number; waiting: number }[] = await m.query(
      `SELECT count(*) FILTER (WHERE e.id IS NULL)::int AS ringing, count(*) FILTER (WHERE e.state = 'waiting')::int AS waiting
       FROM campaign_contacts c JOIN calls k ON k.id = c.last_call_id
       LEFT JOIN queue_entries e ON e.sinch_call_id = k.sinch_call_id
       WHERE c.campaign_id = $1 AND c.status = 'in_progress' AND k.state NOT IN (${SQL_FINAL_STATES})`,
      [campaignId],
    );
    return { ringing: rows[0]?.ringing ?? 0, waiting: rows[0]?.waiting ?? 0 };
  }

  // The agents serving the queue now, with how long each busy one has had their call (since it was offered) and
  // how long each wrap-up has left; the queue's wrap-up length.
  async agentPicture(m: EntityManager, queueId: string): Promise<AgentPicture> {
    const rows: { status: string; for_s: number; left_s: number | null; wrap_up_s: number }[] = await m.query(
      `SELECT a.status, EXTRACT(EPOCH FROM (now() - a.status_since))::float8 AS for_s,
              EXTRACT(EPOCH FROM (a.wrap_up_until - now()))::float8 AS left_s, q.wrap_up_s
       FROM agent_queues aq JOIN agents a ON a.id = aq.agent_id JOIN queues q ON q.id = aq.queue_id
       WHERE aq.queue_id = $1 AND a.status IN ('available', 'busy', 'wrap_up')`,
      [queueId],
    );
    const busy = rows.filter((r) => r.status === 'busy');
    const wrapUp = rows.filter((r) => r.status === 'wrap_up');
    return {
      available: rows.filter((r) => r.status === 'available').length,
      busy: busy.length,
      wrapUp: wrapUp.length,
      busyForS: busy.map((r) => Math.max(0, r.for_s)),
      wrapUpLeftS: wrapUp.map((r) => Math.max(0, r.left_s ?? 0)),
      wrapUpS: rows[0]?.wrap_up_s ?? 0,
    };
  }

  // The campaign's recent figures (its last windowMin minutes): outcomes known (answered or ended), people (callees
  // handed to the queue), time to a person (the dial, when the call row was written, to the callee entering the
  // queue: what the dialer waits between placing a call and needing an agent for it; the call's answered_at is the
  // ACE's timestamp in Sinch's whole seconds, on average 0.5 s early), handle time (agent answer to the end of the
  // talk). Before any person, the time to any answer stands in.
  async dialHistory(m: EntityManager, campaignId: string, windowMin: number): Promise<DialHistory> {
    const [calls]: { dials: number; answered: number; ring_s: number | null }[] = await m.query(
      `SELECT count(*) FILTER (WHERE answered_at IS NOT NULL OR state IN (${SQL_FINAL_STATES}))::int AS dials,
              count(*) FILTER (WHERE answered_at IS NOT NULL)::int AS answered,
              avg(EXTRACT(EPOCH FROM (answered_at - created_at))) FILTER (WHERE answered_at IS NOT NULL)::float8 AS ring_s
       FROM calls WHERE campaign_id = $1 AND initiated_at > now() - make_interval(mins => $2)`,
      [campaignId, windowMin],
    );
    const [people]: { humans: number; handle_s: number | null; to_person_s: number | null }[] = await m.query(
      `SELECT count(*)::int AS humans,
              avg(EXTRACT(EPOCH FROM (e.ended_at - e.answered_at))) FILTER (WHERE e.state = 'completed' AND e.answered_at IS NOT NULL)::float8 AS handle_s,
              avg(EXTRACT(EPOCH FROM (e.enqueued_at - k.created_at)))::float8 AS to_person_s
       FROM queue_entries e LEFT JOIN calls k ON k.sinch_call_id = e.sinch_call_id
       WHERE e.campaign_id = $1 AND e.enqueued_at > now() - make_interval(mins => $2)`,
      [campaignId, windowMin],
    );
    return {
      dials: calls.dials,
      humans: Math.min(people.humans, calls.answered),
      machines: Math.max(0, calls.answered - people.humans),
      avgRingS: people.to_person_s ?? calls.ring_s,
      avgHandleS: people.handle_s,
    };
  }

  // Abandoned (no agent within the connect delay) over callees answered by a person: the campaign's, the rolling
  // 30 days' and the last windowMin minutes'.
  async abandonRates(m: EntityManager, campaignId: string, windowMin: number): Promise<AbandonRates> {
    const [r]: { humans: number; abandoned: number; humans_30d: number; abandoned_30d: number; humans_recent: number; abandoned_recent: number }[] =
      await m.query(
        `SELECT count(*)::int AS humans, count(*) FILTER (WHERE end_reason = 'no_agent')::int AS abandoned,
              count(*) FILTER (WHERE enqueued_at > now() - interval '30 days')::int AS humans_30d,
              count(*) FILTER (WHERE end_reason = 'no_agent' AND enqueued_at > now() - interval '30 days')::int AS abandoned_30d,
              count(*) FILTER (WHERE enqueued_at > now() - make_interval(mins => $2))::int AS humans_recent,
              count(*) FILTER (WHERE end_reason = 'no_agent' AND enqueued_at > now() - make_interval(mins => $2))::int AS abandoned_recent
       FROM queue_entries WHERE campaign_id = $1`,
        [campaignId, windowMin],
      );
    return {
      campaign: { abandoned: r.abandoned, humans: r.humans },
      last30Days: { abandoned: r.abandoned_30d, humans: r.humans_30d },
      recent: { abandoned: r.abandoned_recent, humans: r.humans_recent },
    };
  }

  async saveDecision(m: EntityManager, campaignId: string, decision: DialDecision): Promise<void> {
    await m.query('UPDATE campaigns SET dial_decision = $2 WHERE id = $1', [campaignId, JSON.stringify(decision)]);
  }
}
