import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from 'src/common/app-error';
import { QueuesError } from 'src/queues/queues.errors';
import { AppConfig } from 'src/config/app-config';
import { AdminEvents } from 'src/events/admin-events.service';
import { SinchApiError } from 'src/sinch/sinch-errors';
import { SinchVoiceClient } from 'src/sinch/voice-client';
import type { Svaml } from 'src/sinch/svaml/svaml.types';
import { messageAndHangup, parkSvaml } from './queue-prompts';
import { QueueDistribution } from './queue-distribution.service';
import type { EntryState } from './queue-entry.entity';
import { QueuesService } from './queues.service';

export interface WaitingCaller {
  entryId: string;
  position: number;
  state: EntryState;
  fromNumber: string | null;
  dialled: string | null;
  entryRoute: string;
  priority: number;
  enqueuedAt: Date;
  waitS: number;
  agentId: string | null;
}

// A supervisor's hands on the line: the callers of a queue, and picks, moves, priorities and removals. Each
// acts only on a caller still waiting (a caller who left, or is being offered, is a clear 409).
@Injectable()
export class QueueCallers {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queues: QueuesService,
    private readonly distribution: QueueDistribution,
    private readonly sinch: SinchVoiceClient,
    private readonly config: AppConfig,
    private readonly events: AdminEvents,
  ) {}

  async list(queueId: string): Promise<WaitingCaller[]> {
    await this.queues.get(queueId);
    return (await this.dataSource.query(
      `SELECT id AS "entryId", (row_number() OVER (ORDER BY priority DESC, enqueued_at))::int AS position, state,
              from_number AS "fromNumber", dialled, entry_route AS "entryRoute", priority, enqueued_at AS "enqueuedAt",
              floor(EXTRACT(EPOCH FROM (now() - enqueued_at)))::int AS "waitS", agent_id AS "agentId"
       FROM queue_entries WHERE queue_id = $1 AND state IN ('waiting', 'offered') ORDER BY priority DESC, enqueued_at`,
      [queueId],
    )) as WaitingCaller[];
  }

  async setPriority(queueId: string, entryId: string, priority: number): Promise<void> {
    await this.claim(queueId, entryId, `priority = $3`, [priority], ['waiting', 'offered']);
    void this.events.publish('queues', 'caller.priority', { entryId, queueId, priority });
  }

  // The wait counts on: enqueued_at is kept. The caller hears the new queue's greeting and hold prompt (a called-back
  // caller waiting in their room is parked too: from then on unparked like any caller).
  async move(queueId: string, entryId: string, toQueueId: string): Promise<void> {
    if (toQueueId === queueId)
      throw new AppError('invalid', 'queueId must be another queue', [{ field: 'queueId', rule: 'not_self', message: 'queueId must be another queue' }]);
    if (!(await this.queues.exists(toQueueId)))
      throw new AppError('invalid', `Queue ${toQueueId} does not exist`, [{ field: 'queueId', rule: 'exists', message: `queue ${toQueueId} does not exist` }]);
    const target = await this.queues.get(toQueueId);
    const sinchCallId = await this.claim(
      queueId,
      entryId,
      `queue_id = $3, entry_route = 'moved', parked_at = now(), parks = parks + 1, callback_answered_at = NULL`,
      [toQueueId],
    );
    void this.events.publish('queues', 'caller.moved', { entryId, queueId, to: toQueueId });
    await this.patch(entryId, sinchCallId, parkSvaml(target, this.config.queues.parkS));
    this.distribution.kick();
  }

  async remove(queueId: string, entryId: string, message?: string): Promise<void> {
    const queue = await this.queues.get(queueId);
    const sinchCallId = await this.claim(
      queueId,
      entryId,
      `state = 'removed', end_reason = 'supervisor', ended_at = now(), wait_ms = GREATEST(0, (EXTRACT(EPOCH FROM (now() - enqueued_at)) * 1000)::int)`,
      [],
    );
    void this.events.publish('queues', 'caller.removed', { entryId, queueId });
    await this.patch(entryId, sinchCallId, messageAndHangup(message ?? 'Goodbye.', queue.locale));
  }

  async send(queueId: string, entryId: string, target: { agentId: string } | { number: string }): Promise<void> {
    await this.inQueue(queueId, entryId);
    await this.distribution.sendTo(entryId, target);
  }

  private async inQueue(queueId: string, entryId: string): Promise<void> {
    await this.queues.get(queueId);
    const [row] = (await this.dataSource.query(`SELECT state FROM queue_entries WHERE id = $1 AND queue_id = $2`, [entryId, queueId])) as {
      state: EntryState;
    }[];
    if (!row) throw new QueuesError('entry_not_found', `Caller ${entryId} is not in queue ${queueId}`);
  }

  // Updates the entry only while it is in one of `states` in this queue; otherwise a 404 / 409 saying why.
  private async claim(queueId: string, entryId: string, set: string, values: unknown[], states: EntryState[] = ['waiting']): Promise<string> {
    await this.inQueue(queueId, entryId);
    const [rows] = (await this.dataSource.query(
      `UPDATE queue_entries SET ${set}, updated_at = now() WHERE id = $1 AND queue_id = $2 AND state = ANY($${values.length + 3}) RETURNING sinch_call_id`,
      [entryId, queueId, ...values, states],
    )) as [{ sinch_call_id: string }[], number];
    if (!rows[0]) {
      const [row] = (await this.dataSource.query(`SELECT state FROM queue_entries WHERE id = $1`, [entryId])) as { state: EntryState }[];
      throw new QueuesError('caller_not_waiting', `Caller ${entryId} is not waiting (${row?.state ?? 'gone'})`);
    }
    return rows[0].sinch_call_id;
  }

  private async patch(entryId: string, sinchCallId: string, doc: Svaml): Promise<void> {
    try {
      await this.sinch.manageCall(sinchCallId, doc);
    } catch (err) {
      if (err instanceof SinchApiError && err.status === 404) {
        await this.dataSource.query(
          `UPDATE queue_entries SET state = 'failed', end_reason = 'call_gone', ended_at = now() WHERE id = $1 AND state = 'waiting'`,
          [entryId],
        );
        throw new QueuesError('caller_gone', `Caller ${entryId} has left`);
      }
      throw err;
    }
  }
}
