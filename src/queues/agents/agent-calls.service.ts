import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface AgentCall {
  entryId: string;
  queueId: string;
  fromNumber: string | null;
  state: string;
  offeredAt: Date | null;
  answeredAt: Date | null;
  endedAt: Date | null;
  waitMs: number | null;
}

// The queue calls an agent took (an offer that went back to the queue is not theirs).
@Injectable()
export class AgentCalls {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async of(agentId: string, limit = 100): Promise<AgentCall[]> {
    return (await this.dataSource.query(
      `SELECT id AS "entryId", queue_id AS "queueId", from_number AS "fromNumber", state, offered_at AS "offeredAt",
              answered_at AS "answeredAt", ended_at AS "endedAt", wait_ms AS "waitMs"
       FROM queue_entries WHERE agent_id = $1 ORDER BY offered_at DESC NULLS LAST LIMIT $2`,
      [agentId, limit],
    )) as AgentCall[];
  }
}
