import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { batchedCheck, MicroBatcher } from 'src/common/micro-batcher';
import { CallsService } from 'src/calls/calls.service';
import { AppConfig } from 'src/config/app-config';
import { AdminEvents } from 'src/events/admin-events.service';
import { SinchApiError } from 'src/sinch/sinch-errors';
import { SinchVoiceClient } from 'src/sinch/voice-client';
import type { Svaml } from 'src/sinch/svaml/svaml.types';
import type { EntryState } from './queue-entry.entity';
import { announcement, messageAndHangup, parkSvaml, voicemailSvaml } from './queue-prompts';
import type { Queue } from './queue.entity';
import { OUTBOUND_ROUTE, QueueDistribution } from './queue-distribution.service';
import { settleInChunks } from './settle-in-chunks';
import { QueuesService } from './queues.service';

export interface NewEntry {
  queueId: string;
  sinchCallId: string;
  fromNumber?: string;
  dialled?: string;
  entryRoute: string;
  enqueuedAt: Date;
  // A caller turned away at the door (queue full) is recorded as overflowed, for the statistics.
  overflowed?: boolean;
  // Sent on by the full queue `overflowedFrom` into this one.
  overflowedFrom?: string;
  // An outbound campaign's callee (see QueueBridge): its id is chosen first, as the callee joins its room at once.
  id?: string;
  priority?: number;
  campaignId?: string;
  whisper?: string;
  context?: Record<string, unknown>;
  giveUpAfterMs?: number;
  giveUpText?: string;
}

interface DueRow {
  id: string;
  queue_id: string;
  sinch_call_id: string;
  position: number;
  prev_parked_at: Date;
}

interface OverdueRow {
  id: string;
  queue_id: string;
  sinch_call_id: string;
  enqueued_at: Date;
  give_up_text: string | null;
}

const WRITE_ATTEMPTS = 5;
const SWEEP_BATCH = 200;
// Callers acted on at once in a sweep (each a PATCH to Sinch, or an overflow that may place a call).
const SWEEP_CONCURRENCY = 20;
// Pauses before each new try to link a call row written after its entry (the ICE row follows its answer by a few ms).
const LINK_RETRY_MS = [20, 50, 100, 200, 400, 800, 1_600, 3_200];

// Callers in queues: their entries (written off the ICE path), re-parks before Sinch's park limit, wait-limit
// overflows and the end of a wait (the DiCE).
@Injectable()
export class QueueEntries implements OnApplicationShutdown {
  private readonly logger = new Logger('QueueEntries');
  private readonly writer: MicroBatcher<NewEntry, void>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queues: QueuesService,
    private readonly sinch: SinchVoiceClient,
    private readonly config: AppConfig,
    private readonly events: AdminEvents,
    private readonly distribution: QueueDistribution,
    private readonly calls: CallsService,
  ) {
    this.writer = new MicroBatcher<NewEntry, void>({
      maxBatch: 500,
      maxConcurrent: 2,
      run: async (items) => {
        await this.insert(items);
        return items.map(() => undefined);
      },
    });
  }

  // Called from the ICE answer: never awaited there (Sinch waits on the line). The caller is already parked for
  // up to QUEUE_PARK_S, so a write that fails is retried with a growing pause well inside that time.
  enqueueLater(entry: NewEntry): void {
    void this.write(entry, 1);
  }

  // The same write, awaited (an outbound callee: its agent is sought as soon as the entry exists). Rejects when
  // the entry could not be written after the retries: the caller decides what the callee hears then.
  enqueueNow(entry: NewEntry): Promise<void> {
    return this.write(entry, 1, true);
  }

  private async write(entry: NewEntry, attempt: number, rethrow = false): Promise<void> {
    try {
      await this.writer.push(entry);
    } catch (err) {
      if (attempt >= WRITE_ATTEMPTS) {
        if (rethrow) throw err;
        this.logger.error(
          { err, sinchCallId: entry.sinchCallId, queueId: entry.queueId },
          'Queue entry could not be written; the caller will not be re-parked',
        );
        return;
      }
      this.logger.warn({ err, sinchCallId: entry.sinchCallId, attempt }, 'Queue entry write failed; retrying');
      await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt).unref());
      return this.write(entry, attempt + 1, rethrow);
    }
  }

  // The ICE can be delivered twice: the first entry stands.
  private async insert(items: NewEntry[]): Promise<void> {
    const values: unknown[] = [];
    const rows = items.map((e, i) => {
      values.push(
        e.queueId,
        e.sinchCallId,
        e.fromNumber ?? null,
        e.dialled ?? null,
        e.entryRoute,
        e.enqueuedAt,
        e.overflowed ? 'overflowed' : 'waiting',
        e.overflowedFrom ?? null,
        e.priority ?? 0,
        e.campaignId ?? null,
        e.whisper ?? null,
        e.context ? JSON.stringify(e.context) : null,
        e.giveUpAfterMs ?? null,
        e.giveUpText ?? null,
        e.id ?? null,
      );
      const p = i * 15;
      const ended = e.overflowed ? `$${p + 6}::timestamptz, 0, 'queue_full'` : 'NULL, NULL, NULL';
      return (
        `($${p + 1}::uuid, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6}::timestamptz, $${p + 6}::timestamptz, $${p + 7}, $${p + 8}::uuid, ${ended}, ` +
        `$${p + 9}::int, $${p + 10}::uuid, $${p + 11}, $${p + 12}::jsonb, $${p + 13}::int, $${p + 14}, COALESCE($${p + 15}::uuid, gen_random_uuid()))`
      );
    });
    const links = items.map((e) => ({ sinchCallId: e.sinchCallId, queueId: e.queueId }));
    // The entry and its call row's queue are written together: whoever sees the entry (a recording's Notify, a
    // hangup right after the park) sees the call's queue too, when the call row exists already.
    const linked = await this.dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO queue_entries (queue_id, sinch_call_id, from_number, dialled, entry_route, enqueued_at, parked_at, state, overflowed_from, ended_at, wait_ms, end_reason,
           priority, campaign_id, whisper, context, give_up_after_ms, give_up_text, id)
         VALUES ${rows.join(', ')} ON CONFLICT (sinch_call_id) DO NOTHING`,
        values,
      );
      return new Set(await this.calls.linkQueues(links, m));
    });
    for (const e of items) {
      void this.events.publish('queues', e.overflowed ? 'caller.overflowed' : 'caller.joined', {
        queueId: e.queueId,
        sinchCallId: e.sinchCallId,
        entryRoute: e.entryRoute,
      });
    }
    // New callers in line: handed to a free agent now, not at the next sweep.
    if (items.some((e) => !e.overflowed)) this.distribution.kick();
    const rest = links.filter((l) => !linked.has(l.sinchCallId));
    if (rest.length > 0) void this.linkCalls(rest, 0);
  }

  // The caller's call row names the queue (recordings copy it). The ICE is recorded after its answer is decided, so
  // a row may not exist yet when the entry is written: the rest are tried again, a few times.
  private async linkCalls(links: { sinchCallId: string; queueId: string }[], retry: number): Promise<void> {
    try {
      await new Promise((resolve) => setTimeout(resolve, LINK_RETRY_MS[retry]).unref());
      const linked = new Set(await this.calls.linkQueues(links));
      const rest = links.filter((l) => !linked.has(l.sinchCallId));
      if (rest.length === 0 || retry + 1 >= LINK_RETRY_MS.length) return;
      await this.linkCalls(rest, retry + 1);
    } catch (err) {
      this.logger.warn({ err }, 'Queue calls could not be linked to their queue');
    }
  }

  // Whether the call is a caller still in line or talking (every DiCE asks; one statement for the DiCEs that arrive
  // together): a call that is not has nothing for `ended` or a callback to settle.
  readonly isLive = batchedCheck<string>(async (sinchCallIds) => {
    const rows = (await this.dataSource.query(
      `SELECT sinch_call_id FROM queue_entries WHERE sinch_call_id = ANY($1::text[]) AND state IN ('waiting', 'offered', 'connected')`,
      [sinchCallIds],
    )) as { sinch_call_id: string }[];
    const live = new Set(rows.map((r) => r.sinch_call_id));
    return (sinchCallId) => live.has(sinchCallId);
  });

  // The caller's DiCE: a wait ends as an abandon, a talk as completed. Idempotent (only live states move).
  // Sinch's DiCE timestamp has whole seconds: it is never let fall before the answer or the entry.
  // `was` is the state before: offered or connected means an agent's leg is to be ended too.
  async ended(sinchCallId: string, at: Date): Promise<{ id: string; was: EntryState; agentCallId: string | null } | undefined> {
    const rows = (await this.dataSource.query(
      `WITH old AS (SELECT id, state FROM queue_entries WHERE sinch_call_id = $1 AND state IN ('waiting', 'offered', 'connected') FOR UPDATE)
       UPDATE queue_entries e SET
         state = CASE WHEN old.state = 'connected' THEN 'completed' ELSE 'abandoned' END,
         end_reason = CASE WHEN old.state = 'connected' THEN 'caller_hangup' WHEN old.state = 'offered' THEN 'caller_hangup_offered' ELSE 'caller_hangup' END,
         wait_ms = CASE WHEN old.state = 'connected' THEN e.wait_ms ELSE GREATEST(0, (EXTRACT(EPOCH FROM ($2::timestamptz - e.enqueued_at)) * 1000)::int) END,
         ended_at = GREATEST($2, e.answered_at, e.enqueued_at), updated_at = now()
       FROM old WHERE e.id = old.id
       RETURNING e.id, old.state AS was, e.agent_call_id`,
      [sinchCallId, at],
    )) as [{ id: string; was: EntryState; agent_call_id: string | null }[], number];
    const row = rows[0][0];
    if (row) void this.events.publish('queues', 'caller.ended', { entryId: row.id, was: row.was, sinchCallId });
    return row ? { id: row.id, was: row.was, agentCallId: row.agent_call_id } : undefined;
  }

  // One sweep: overflow the callers past their queue's maximum wait, then re-park the ones whose park is due
  // (QUEUE_REPARK_AFTER_MS, or the queue's announcement interval). Rows are claimed with SKIP LOCKED, so several
  // workers sweeping at once never PATCH one caller twice. A dialer's callee waits in the agent's room, not
  // parked: it is never re-parked.
  async sweep(now = new Date()): Promise<{ reparked: number; overflowed: number }> {
    const overflowed = await this.overflowOverdue(now);
    const due = await this.claimDueParks(now);
    const done = await settleInChunks(
      due,
      SWEEP_CONCURRENCY,
      async (row) => {
        const queue = this.queues.cached(row.queue_id) ?? (await this.queues.get(row.queue_id));
        const intro = queue.announcePosition ? announcement(Number(row.position)) : undefined;
        return this.patch(row.id, row.sinch_call_id, parkSvaml(queue, this.config.queues.parkS, intro ?? ''), row.prev_parked_at);
      },
      (err, row) => this.logger.error({ err, entryId: row.id, sinchCallId: row.sinch_call_id }, 'Re-parking a waiting caller failed'),
    );
    return { reparked: done.filter(Boolean).length, overflowed };
  }

  private async claimDueParks(now: Date): Promise<DueRow[]> {
    return (await this.dataSource.query(
      `WITH due AS (
         SELECT e.id, e.parked_at FROM queue_entries e JOIN queues q ON q.id = e.queue_id
         WHERE e.state = 'waiting' AND e.entry_route <> $4 AND e.callback_answered_at IS NULL
           AND e.parked_at <= $1::timestamptz - make_interval(secs => LEAST($2::int, CASE WHEN q.announce_position AND q.announce_every_s IS NOT NULL THEN q.announce_every_s * 1000 ELSE $2::int END) / 1000.0)
         ORDER BY e.parked_at LIMIT $3 FOR UPDATE OF e SKIP LOCKED
       ), claimed AS (
         UPDATE queue_entries e SET parked_at = $1, parks = e.parks + 1, updated_at = now() FROM due WHERE e.id = due.id
         RETURNING e.id, e.queue_id, e.sinch_call_id, due.parked_at AS prev_parked_at
       )
       SELECT c.*, (SELECT count(*) + 1 FROM queue_entries o WHERE o.queue_id = c.queue_id AND o.state = 'waiting' AND o.id <> c.id
                     AND (o.priority > w.priority OR (o.priority = w.priority AND o.enqueued_at < w.enqueued_at)))::int AS position
       FROM claimed c JOIN queue_entries w ON w.id = c.id`,
      [now, this.config.queues.reparkAfterMs, SWEEP_BATCH, OUTBOUND_ROUTE],
    )) as DueRow[];
  }

  // Callers past their queue's maximum wait, or their own give-up time. Public: the campaign dialer runs it on its
  // tick too, so a callee's connect delay is kept to the tick rather than the sweep.
  async overflowOverdue(now = new Date()): Promise<number> {
    const giveUps = await this.claimOverdue(
      now,
      `e.state IN ('waiting', 'offered') AND e.give_up_after_ms IS NOT NULL AND e.enqueued_at <= $1::timestamptz - make_interval(secs => e.give_up_after_ms / 1000.0)`,
    );
    const overWait = await this.claimOverdue(
      now,
      `e.state = 'waiting' AND e.give_up_after_ms IS NULL AND e.callback_requested_at IS NULL AND q.max_wait_s IS NOT NULL AND e.enqueued_at <= $1::timestamptz - make_interval(secs => q.max_wait_s)`,
    );
    // One caller whose overflow fails (a forward callout that throws, a queue deleted meanwhile) is logged and
    // retried on a later sweep; it stops neither the others nor the re-parks after it.
    const done = await settleInChunks(
      [...giveUps, ...overWait],
      SWEEP_CONCURRENCY,
      async (row) => {
        if (row.give_up_text !== null) return this.giveUp(row, now);
        const queue = this.queues.cached(row.queue_id) ?? (await this.queues.get(row.queue_id));
        return this.overflow(row, queue, now);
      },
      (err, row) => this.logger.error({ err, entryId: row.id, sinchCallId: row.sinch_call_id }, 'Overflowing an overdue caller failed'),
    );
    return done.filter(Boolean).length;
  }

  // Claims the entries matching `where` (SKIP LOCKED: several sweepers never act on one caller twice).
  private async claimOverdue(now: Date, where: string): Promise<OverdueRow[]> {
    const [rows] = (await this.dataSource.query(
      `WITH over AS (
         SELECT e.id FROM queue_entries e JOIN queues q ON q.id = e.queue_id WHERE ${where}
         ORDER BY e.enqueued_at LIMIT $2 FOR UPDATE OF e SKIP LOCKED
       )
       UPDATE queue_entries e SET parked_at = $1, updated_at = now() FROM over WHERE e.id = over.id
       RETURNING e.id, e.queue_id, e.sinch_call_id, e.enqueued_at, e.give_up_text`,
      [now, SWEEP_BATCH],
    )) as [OverdueRow[], number];
    return rows;
  }

  // Past its own wait limit (a campaign callee no agent took within the connect delay, an agent's phone still
  // ringing included): its message, then the end. A ringing agent leg is cancelled; its DiCE frees the agent
  // ("caller left", not the agent's fault).
  private async giveUp(row: OverdueRow, now: Date): Promise<boolean> {
    const [moved] = (await this.dataSource.query(
      `WITH old AS (SELECT id, agent_call_id FROM queue_entries WHERE id = $1 AND state IN ('waiting', 'offered') FOR UPDATE)
       UPDATE queue_entries e SET state = 'overflowed', end_reason = 'no_agent', ended_at = $2,
         wait_ms = GREATEST(0, (EXTRACT(EPOCH FROM ($2::timestamptz - e.enqueued_at)) * 1000)::int), updated_at = now()
       FROM old WHERE e.id = old.id RETURNING old.agent_call_id`,
      [row.id, now],
    )) as [{ agent_call_id: string | null }[], number];
    if (moved.length === 0) return false;
    if (moved[0].agent_call_id) await this.distribution.callerLeft(moved[0].agent_call_id);
    const queue = this.queues.cached(row.queue_id);
    void this.events.publish('queues', 'caller.overflowed', { entryId: row.id, queueId: row.queue_id, reason: 'no_agent' });
    return this.patch(row.id, row.sinch_call_id, messageAndHangup(row.give_up_text ?? '', queue?.locale ?? null));
  }

  // Past the maximum wait: the overflow action, or (none set) a polite end so the caller is not parked forever.
  private async overflow(row: OverdueRow, queue: Queue, now: Date): Promise<boolean> {
    const action = queue.overflowAfterWait;
    void this.events.publish('queues', 'caller.overflowed', {
      entryId: row.id,
      queueId: queue.id,
      reason: 'max_wait',
      to: action?.type === 'queue' ? action.queueId : null,
    });
    const target = action?.type === 'queue' ? this.queues.cached(action.queueId) : undefined;
    if (target) {
      // Moved with its wait: the new queue's maximum counts from the original entry time too, so a chain of
      // overflows ends at the first queue without one.
      await this.dataSource.query(
        `UPDATE queue_entries SET queue_id = $2, overflowed_from = $3, entry_route = 'overflow', updated_at = now() WHERE id = $1 AND state = 'waiting'`,
        [row.id, target.id, queue.id],
      );
      this.distribution.kick();
      return this.patch(row.id, row.sinch_call_id, parkSvaml(target, this.config.queues.parkS, target.greeting ?? ''));
    }
    // Rung into the caller's room (the entry is offered, then connected or, unanswered, ended with a message).
    if (action?.type === 'forward') return this.distribution.forward(row.id, action.number);
    const voicemail = action?.type === 'voicemail';
    const text = action?.type === 'message' ? action.text : 'We are sorry, no one can take your call now. Please call again later.';
    await this.dataSource.query(
      `UPDATE queue_entries SET state = 'overflowed', end_reason = $3, ended_at = $2,
         wait_ms = GREATEST(0, (EXTRACT(EPOCH FROM ($2::timestamptz - enqueued_at)) * 1000)::int), updated_at = now()
       WHERE id = $1 AND state = 'waiting'`,
      [row.id, now, voicemail ? 'max_wait_voicemail' : 'max_wait'],
    );
    return this.patch(
      row.id,
      row.sinch_call_id,
      voicemail ? voicemailSvaml(action.prompt, action.maxSeconds, queue.locale) : messageAndHangup(text, queue.locale),
    );
  }

  // A call Sinch no longer knows (404) ended without our seeing it: the entry is closed. Any other failure puts the
  // park time back so the next sweep tries again.
  private async patch(entryId: string, sinchCallId: string, doc: Svaml, restoreParkedAt?: Date): Promise<boolean> {
    try {
      await this.sinch.manageCall(sinchCallId, doc);
      return true;
    } catch (err) {
      if (err instanceof SinchApiError && err.status === 404) {
        await this.dataSource.query(
          `UPDATE queue_entries SET state = 'failed', end_reason = 'call_gone', ended_at = now(), updated_at = now() WHERE id = $1 AND state IN ('waiting', 'offered')`,
          [entryId],
        );
        return false;
      }
      this.logger.warn({ err, entryId }, 'ManageCall on a waiting caller failed; retrying at the next sweep');
      if (restoreParkedAt)
        await this.dataSource.query(`UPDATE queue_entries SET parked_at = $2 WHERE id = $1 AND state = 'waiting'`, [entryId, restoreParkedAt]);
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.writer.drain();
  }
}
