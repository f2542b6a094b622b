import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from 'src/config/app-config';
import type { Svaml } from 'src/sinch/svaml/svaml.types';
import { QueueDistribution } from './queue-distribution.service';
import { QueueEntries } from './queue-entries.service';
import { parkSvaml } from './queue-prompts';
import { QueuesService } from './queues.service';

// An outbound call answered by a person, to be bridged to an agent of a queue (a campaign's callee).
export interface OutboundCallee {
  queueId: string;
  sinchCallId: string;
  toNumber?: string;
  answeredAt: Date;
  campaignId: string;
  // Read to the agent as their leg is answered (the contact's attributes).
  whisper: string;
  // Sent with the queue events of this callee (campaign, contact, attributes).
  context: Record<string, unknown>;
  // Nobody took the callee within this: they hear giveUpText and the call ends (end reason no_agent).
  giveUpAfterMs: number;
  giveUpText: string;
}

// What the agents serving a queue are doing now.
export interface AgentLoad {
  available: number;
  busy: number;
  wrapUp: number;
}

// Served before inbound callers of the same queue: a callee waits seconds at most, by rule.
const OUTBOUND_PRIORITY = 1000;

// The queues module's door for outbound dialers: a callee answered by a person is held (parked) and becomes a
// queue entry with its own give-up time, then the normal distribution (agent leg first, whisper, unpark into the
// room, agents' states, wrap-up, either side hanging up) takes it from there.
@Injectable()
export class QueueBridge {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queues: QueuesService,
    private readonly entries: QueueEntries,
    private readonly distribution: QueueDistribution,
    private readonly config: AppConfig,
  ) {}

  exists(queueId: string): Promise<boolean> {
    return this.queues.exists(queueId);
  }

  // The ACE answer that holds the callee, from memory; undefined when the queue is not loaded in this process.
  holdAnswer(queueId: string): Svaml | undefined {
    const queue = this.queues.cached(queueId);
    return queue ? parkSvaml(queue, this.config.queues.parkS, '') : undefined;
  }

  // Off the ACE path: the entry is written, then free agents are offered at once (not at the next sweep).
  async admit(callee: OutboundCallee): Promise<void> {
    await this.entries.enqueueNow({
      queueId: callee.queueId,
      sinchCallId: callee.sinchCallId,
      dialled: callee.toNumber,
      entryRoute: 'campaign',
      enqueuedAt: callee.answeredAt,
      priority: OUTBOUND_PRIORITY,
      campaignId: callee.campaignId,
      whisper: callee.whisper,
      context: callee.context,
      giveUpAfterMs: callee.giveUpAfterMs,
      giveUpText: callee.giveUpText,
    });
    await this.distribution.distribute();
  }

  // One pass of what the queues sweep does for waiting callers: those past their give-up time get their message,
  // then free agents are offered waiting callers.
  async pass(): Promise<{ gaveUp: number; offered: number }> {
    const gaveUp = await this.entries.overflowOverdue();
    const offered = await this.distribution.distribute();
    return { gaveUp, offered };
  }

  async agentLoad(m: EntityManager | undefined, queueId: string): Promise<AgentLoad> {
    const rows: { available: number; busy: number; wrap_up: number }[] = await (m ?? this.dataSource).query(
      `SELECT count(*) FILTER (WHERE a.status = 'available')::int AS available, count(*) FILTER (WHERE a.status = 'busy')::int AS busy,
              count(*) FILTER (WHERE a.status = 'wrap_up')::int AS wrap_up
       FROM agent_queues aq JOIN agents a ON a.id = aq.agent_id WHERE aq.queue_id = $1`,
      [queueId],
    );
    return { available: rows[0]?.available ?? 0, busy: rows[0]?.busy ?? 0, wrapUp: rows[0]?.wrap_up ?? 0 };
  }
}
