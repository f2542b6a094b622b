import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from 'src/config/app-config';
import type { AgentStatus } from './agents/agent.entity';
import { AGENT_STATUSES } from './agents/agent.entity';
import { QueuesService } from './queues.service';

export interface LiveQueueStats {
  queueId: string;
  waiting: number;
  offered: number;
  connected: number;
  longestWaitS: number;
  agents: Record<AgentStatus, number>;
  // Average handle time of the last RECENT_CALLS talks, null before any.
  recentHandleTimeS: number | null;
  // The newest caller's expected wait: callers ahead per agent able to take calls, times the recent handle time.
  expectedWaitS: number | null;
}

export interface PeriodQueueStats {
  queueId: string;
  from: string;
  to: string;
  offered: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  abandonRate: number | null;
  serviceLevel: number | null;
  serviceLevelS: number;
  avgWaitS: number | null;
  p90WaitS: number | null;
  avgHandleTimeS: number | null;
  overflowed: number;
  removed: number;
  failed: number;
  // Callback instead of waiting: callers who asked for one, and those of them the callback put through to an agent.
  callbacksRequested: number;
  callbacksCompleted: number;
}

const RECENT_CALLS = 50;
const round = (n: number | string | null, digits = 1): number | null => (n === null ? null : Math.round(Number(n) * 10 ** digits) / 10 ** digits);

// Queue figures straight from the entries (the queue's call log): live ones and over a period.
@Injectable()
export class QueueStats {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queues: QueuesService,
    private readonly config: AppConfig,
  ) {}

  async live(queueId: string): Promise<LiveQueueStats> {
    await this.queues.get(queueId);
    const [[entries], agentRows, [handle]] = await Promise.all([
      this.dataSource.query(
        `SELECT count(*) FILTER (WHERE state = 'waiting')::int AS waiting, count(*) FILTER (WHERE state = 'offered')::int AS offered,
                count(*) FILTER (WHERE state = 'connected')::int AS connected,
                COALESCE(floor(EXTRACT(EPOCH FROM (now() - min(enqueued_at) FILTER (WHERE state IN ('waiting', 'offered'))))), 0)::int AS longest
         FROM queue_entries WHERE queue_id = $1 AND state IN ('waiting', 'offered', 'connected')`,
        [queueId],
      ) as Promise<{ waiting: number; offered: number; connected: number; longest: number }[]>,
      this.dataSource.query(
        `SELECT a.status, count(*)::int AS n FROM agents a JOIN agent_queues aq ON aq.agent_id = a.id WHERE aq.queue_id = $1 GROUP BY a.status`,
        [queueId],
      ) as Promise<{ status: AgentStatus; n: number }[]>,
      this.dataSource.query(
        `SELECT avg(s) AS aht FROM (SELECT EXTRACT(EPOCH FROM (ended_at - answered_at)) AS s FROM queue_entries
         WHERE queue_id = $1 AND state = 'completed' AND answered_at IS NOT NULL ORDER BY ended_at DESC LIMIT ${RECENT_CALLS}) t`,
        [queueId],
      ) as Promise<{ aht: string | null }[]>,
    ]);
    const agents = Object.fromEntries(AGENT_STATUSES.map((s) => [s, 0])) as Record<AgentStatus, number>;
    for (const row of agentRows) agents[row.status] = row.n;
    const aht = round(handle.aht);
    const staffed = agents.available + agents.busy + agents.wrap_up;
    return {
      queueId,
      waiting: entries.waiting,
      offered: entries.offered,
      connected: entries.connected,
      longestWaitS: entries.longest,
      agents,
      recentHandleTimeS: aht,
      expectedWaitS: aht === null || staffed === 0 ? null : Math.round((entries.waiting / staffed) * aht),
    };
  }

  // Entries that entered the queue in [from, to), with the ones a wait limit sent on to another queue (offered
  // and overflowed here, the rest counted where they went). A caller who hangs up within QUEUE_SHORT_ABANDON_S is counted
  // apart and left out of the abandon rate and service level, as call centres usually do.
  async period(queueId: string, from: Date, to: Date): Promise<PeriodQueueStats> {
    const queue = await this.queues.get(queueId);
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS offered,
              count(*) FILTER (WHERE queue_id = $1 AND answered_at IS NOT NULL)::int AS answered,
              count(*) FILTER (WHERE queue_id = $1 AND state = 'abandoned' AND answered_at IS NULL AND wait_ms >= $4 * 1000)::int AS abandoned,
              count(*) FILTER (WHERE queue_id = $1 AND state = 'abandoned' AND answered_at IS NULL AND wait_ms < $4 * 1000)::int AS short_abandoned,
              count(*) FILTER (WHERE queue_id = $1 AND answered_at IS NOT NULL AND wait_ms <= $5 * 1000)::int AS within_sl,
              avg(wait_ms) FILTER (WHERE queue_id = $1 AND wait_ms IS NOT NULL) / 1000.0 AS avg_wait,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY wait_ms) FILTER (WHERE queue_id = $1 AND wait_ms IS NOT NULL) / 1000.0 AS p90_wait,
              avg(EXTRACT(EPOCH FROM (ended_at - answered_at))) FILTER (WHERE queue_id = $1 AND state = 'completed' AND answered_at IS NOT NULL) AS aht,
              count(*) FILTER (WHERE (queue_id = $1 AND (state = 'overflowed' OR forwarded_to IS NOT NULL)) OR overflowed_from = $1)::int AS overflowed,
              count(*) FILTER (WHERE queue_id = $1 AND state = 'removed')::int AS removed,
              count(*) FILTER (WHERE queue_id = $1 AND state = 'failed')::int AS failed,
              count(*) FILTER (WHERE queue_id = $1 AND callback_requested_at IS NOT NULL)::int AS callbacks_requested,
              count(*) FILTER (WHERE queue_id = $1 AND callback_requested_at IS NOT NULL AND answered_at IS NOT NULL)::int AS callbacks_completed
       FROM queue_entries WHERE (queue_id = $1 OR overflowed_from = $1) AND enqueued_at >= $2 AND enqueued_at < $3`,
      [queueId, from, to, this.config.queues.shortAbandonS, queue.serviceLevelS],
    )) as Record<string, number | string | null>[];
    const offered = Number(row.offered);
    const counted = offered - Number(row.short_abandoned);
    return {
      queueId,
      from: from.toISOString(),
      to: to.toISOString(),
      offered,
      answered: Number(row.answered),
      abandoned: Number(row.abandoned),
      shortAbandoned: Number(row.short_abandoned),
      abandonRate: counted > 0 ? round(Number(row.abandoned) / counted, 4) : null,
      serviceLevel: counted > 0 ? round(Number(row.within_sl) / counted, 4) : null,
      serviceLevelS: queue.serviceLevelS,
      avgWaitS: round(row.avg_wait),
      p90WaitS: round(row.p90_wait),
      avgHandleTimeS: round(row.aht),
      overflowed: Number(row.overflowed),
      removed: Number(row.removed),
      failed: Number(row.failed),
      callbacksRequested: Number(row.callbacks_requested),
      callbacksCompleted: Number(row.callbacks_completed),
    };
  }
}
