import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Svaml } from 'src/sinch/svaml/svaml.types';
import { buildSvaml, svaml } from 'src/sinch/svaml/svaml.builders';
import { OUTBOUND_ROUTE, QueueDistribution, roomOf } from './queue-distribution.service';
import { QueueEntries } from './queue-entries.service';
import { QueuesService } from './queues.service';

// An outbound call answered by a person, to be bridged to an agent of a queue (a campaign's callee).
export interface OutboundCallee {
  // Chosen by the caller of holdAnswer: the callee's room is named after it.
  entryId: string;
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

// The queues module's door for outbound dialers: a callee answered by a person waits in a room and becomes a
// queue entry with its own give-up time, then the normal distribution (agent leg first, whisper, unpark into the
// room, agents' states, wrap-up, either side hanging up) takes it from there.
@Injectable()
export class QueueBridge {
  private readonly logger = new Logger('QueueBridge');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queues: QueuesService,
    private readonly entries: QueueEntries,
    private readonly distribution: QueueDistribution,
  ) {}

  exists(queueId: string): Promise<boolean> {
    return this.queues.exists(queueId);
  }

  // The ACE answer that holds the callee: into the room of their (future) entry, with music until an agent joins.
  // An ACE may not park (Sinch allows hangup, continue, runMenu and, for conferences, connectConf); the agent's
  // leg is then placed into this room as for any queue caller, and nothing needs unparking.
  holdAnswer(entryId: string): Svaml {
    return buildSvaml(svaml.connectConf(roomOf(entryId), { moh: 'music1' }));
  }

  // Off the ACE path: the entry is written, then free agents are offered at once (not at the next sweep).
  async admit(callee: OutboundCallee): Promise<void> {
    await this.entries.enqueueNow({
      queueId: callee.queueId,
      sinchCallId: callee.sinchCallId,
      dialled: callee.toNumber,
      id: callee.entryId,
      entryRoute: OUTBOUND_ROUTE,
      enqueuedAt: callee.answeredAt,
      priority: OUTBOUND_PRIORITY,
      campaignId: callee.campaignId,
      whisper: callee.whisper,
      context: callee.context,
      giveUpAfterMs: callee.giveUpAfterMs,
      giveUpText: callee.giveUpText,
    });
    // The callee is in the queue from here on: a failed distribution pass is not a failed hand-over (that would
    // hang them up as abandoned); the queues sweep offers them at its next pass.
    await this.distribution
      .distribute()
      .catch((err: unknown) => this.logger.error({ err, entryId: callee.entryId }, 'Distribution after admitting a callee failed; the sweep offers them'));
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
