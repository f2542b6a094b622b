import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Campaign } from 'src/campaigns/campaign.entity';
import type { DialDecision } from './dial-level';
import type { DialMode } from './dial-mode';

export interface DialStats {
  mode: DialMode;
  queueId: string | null;
  abandonCapPercent: number;
  connectDelayS: number;
  // The dial level in force, its inputs and why it last changed (null until the dialer first decided).
  decision: DialDecision | null;
  // Callees answered by a person and handed to the queue; connected to an agent; abandoned (no agent within the
  // connect delay, abandon message played); still waiting or with an agent now.
  answeredByPerson: number;
  connected: number;
  abandoned: number;
  abandonRatePercent: number | null;
  abandonRate30dPercent: number | null;
  // From the answer to the agent taking the call (connected callees), milliseconds.
  averageConnectDelayMs: number | null;
  // Of the queue's agents since the campaign started: time busy or in wrap-up over time available, busy or in wrap-up.
  agentOccupancy: number | null;
  averageIdleBetweenCallsS: number | null;
}

const pct = (n: number, of: number): number | null => (of === 0 ? null : Math.round((10_000 * n) / of) / 100);
const round = (x: number | null, digits: number): number | null => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);

// The dial-mode part of a campaign's stats: from its queue entries (one per callee answered by a person) and the
// agents' status history.
@Injectable()
export class DialStatsReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async of(campaign: Campaign): Promise<DialStats | null> {
    const { dialing } = campaign;
    if (dialing.mode === 'agentless') return null;
    const [e]: { humans: number; connected: number; abandoned: number; humans_30d: number; abandoned_30d: number; connect_ms: number | null }[] =
      await this.dataSource.query(
        `SELECT count(*)::int AS humans, count(*) FILTER (WHERE answered_at IS NOT NULL)::int AS connected,
                count(*) FILTER (WHERE end_reason = 'no_agent')::int AS abandoned,
                count(*) FILTER (WHERE enqueued_at > now() - interval '30 days')::int AS humans_30d,
                count(*) FILTER (WHERE end_reason = 'no_agent' AND enqueued_at > now() - interval '30 days')::int AS abandoned_30d,
                avg(wait_ms) FILTER (WHERE answered_at IS NOT NULL)::float8 AS connect_ms
         FROM queue_entries WHERE campaign_id = $1`,
        [campaign.id],
      );
    const agents = campaign.startedAt && dialing.queueId ? await this.agentTime(dialing.queueId, campaign.startedAt, campaign.finishedAt) : null;
    return {
      mode: dialing.mode,
      queueId: dialing.queueId,
      abandonCapPercent: dialing.abandonCapPercent,
      connectDelayS: dialing.connectDelayS,
      decision: campaign.dialDecision,
      answeredByPerson: e.humans,
      connected: e.connected,
      abandoned: e.abandoned,
      abandonRatePercent: pct(e.abandoned, e.humans),
      abandonRate30dPercent: pct(e.abandoned_30d, e.humans_30d),
      averageConnectDelayMs: e.connect_ms === null ? null : Math.round(e.connect_ms),
      agentOccupancy: agents && agents.working + agents.idle > 0 ? round(agents.working / (agents.working + agents.idle), 4) : null,
      averageIdleBetweenCallsS: round(agents?.avgIdle ?? null, 1),
    };
  }

  // Each status period of the queue's agents from the campaign's start to its end (or now).
  private async agentTime(queueId: string, from: Date, to: Date | null): Promise<{ working: number; idle: number; avgIdle: number | null }> {
    const [r]: { working: number | null; idle: number | null; avg_idle: number | null }[] = await this.dataSource.query(
      `WITH p AS (
         SELECT s.status, s.at, lead(s.at, 1, COALESCE($3::timestamptz, now())) OVER (PARTITION BY s.agent_id ORDER BY s.at) AS until
         FROM agent_status_changes s JOIN agent_queues aq ON aq.agent_id = s.agent_id AND aq.queue_id = $1
         WHERE s.at >= $2 AND s.at <= COALESCE($3::timestamptz, now())
       )
       SELECT sum(EXTRACT(EPOCH FROM (until - at))) FILTER (WHERE status IN ('busy', 'wrap_up'))::float8 AS working,
              sum(EXTRACT(EPOCH FROM (until - at))) FILTER (WHERE status = 'available')::float8 AS idle,
              avg(EXTRACT(EPOCH FROM (until - at))) FILTER (WHERE status = 'available' AND until < COALESCE($3::timestamptz, now()))::float8 AS avg_idle
       FROM p`,
      [queueId, from, to],
    );
    return { working: r.working ?? 0, idle: r.idle ?? 0, avgIdle: r.avg_idle };
  }
}
