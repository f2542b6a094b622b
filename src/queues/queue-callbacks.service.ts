import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CallsQueryService } from 'src/calls/calls-query.service';
import { QueuesError } from 'src/queues/queues.errors';
import { AppConfig } from 'src/config/app-config';
import { AdminEvents } from 'src/events/admin-events.service';
import type { MenuResult, PieEvent } from 'src/sinch/callback-events';
import { SinchApiError } from 'src/sinch/sinch-errors';
import { buildSvaml, svaml } from 'src/sinch/svaml/svaml.builders';
import type { Svaml } from 'src/sinch/svaml/svaml.types';
import { SinchVoiceClient } from 'src/sinch/voice-client';
import { OUTBOUND_ROUTE } from './queue-distribution.service';
import type { EntryState } from './queue-entry.entity';
import { messageAndHangup, parkSvaml, promptOf } from './queue-prompts';
import { CALLBACK_DEFAULTS } from './queue-settings';
import { QueuesService } from './queues.service';

// The menu id of the callback offer: "qcb:" + the entry id + ":" + the queue id (the PIE answer may not query).
const OFFER_MENU = 'qcb:';
const OFFER_RETURN = 'callback';
const OFFER_WAIT_MS = 8_000;
const BATCH = 200;
export const OFFER_TEXT = 'To hang up and keep your place in line, press {key}. We will call you back when an agent is free.';
export const REQUESTED_TEXT = 'Thank you. You keep your place in line, and we will call you back. Goodbye.';

export interface QueueCallback {
  entryId: string;
  state: EntryState;
  fromNumber: string | null;
  enqueuedAt: Date;
  requestedAt: Date;
  expiresAt: Date;
  callbackCallId: string | null;
}

// Callback instead of waiting: the offer to a waiting caller (a PATCH runMenu, then a re-park), the key that turns
// the wait into a callback (the caller hangs up keeping their place), the callback's answer (the caller waits in
// their room, in line again), its expiry, the list and the cancel. The callback itself is placed by distribution.
@Injectable()
export class QueueCallbacks {
  private readonly logger = new Logger('QueueCallbacks');
  // Callback requests being written, by the caller's Sinch call id.
  private readonly requesting = new Map<string, Promise<string | null>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queues: QueuesService,
    private readonly sinch: SinchVoiceClient,
    private readonly config: AppConfig,
    private readonly events: AdminEvents,
    private readonly callsQuery: CallsQueryService,
  ) {}

  // One sweep: callbacks past their expiry are dropped, then waiting callers due their offer hear it.
  async sweep(now = new Date()): Promise<{ callbackOffers: number; callbacksExpired: number }> {
    const callbacksExpired = await this.expire(now);
    const due = (await this.dataSource.query(
      `WITH due AS (
         SELECT e.id FROM queue_entries e JOIN queues q ON q.id = e.queue_id
         WHERE e.state = 'waiting' AND e.entry_route <> $3 AND e.callback_offered_at IS NULL AND e.callback_answered_at IS NULL
           AND e.from_number ~ '^[+][1-9][0-9]{6,14}$' -- only a caller with a number we can call back hears the offer
           AND (q.callback ->> 'enabled')::boolean
           AND e.enqueued_at <= $1::timestamptz - make_interval(secs => (q.callback ->> 'offerAfterS')::int)
         ORDER BY e.enqueued_at LIMIT $2 FOR UPDATE OF e SKIP LOCKED
       )
       UPDATE queue_entries e SET callback_offered_at = $1, parked_at = $1, updated_at = now() FROM due WHERE e.id = due.id
       RETURNING e.id, e.queue_id, e.sinch_call_id`,
      [now, BATCH, OUTBOUND_ROUTE],
    )) as [{ id: string; queue_id: string; sinch_call_id: string }[], number];
    let callbackOffers = 0;
    for (const row of due[0]) {
      const queue = this.queues.cached(row.queue_id) ?? (await this.queues.get(row.queue_id));
      const key = queue.callback?.key ?? CALLBACK_DEFAULTS.key;
      if (await this.patch(row.id, row.sinch_call_id, offerMenu(row.id, queue.id, key, queue.locale))) callbackOffers++;
    }
    return { callbackOffers, callbacksExpired };
  }

  // The offer's PIE. The key: the caller hangs up (the entry becomes callback_requested, written off the answer);
  // anything else: parked again. `requested` resolves to the agent leg to cancel when an offer was ringing (the
  // entry keeps that leg's id, so the leg's DiCE frees the agent: "caller left").
  pie(event: PieEvent): { answer: Svaml; requested?: Promise<string | null> } | undefined {
    const menuId = event.menuResult?.menuId;
    if (!menuId?.startsWith(OFFER_MENU)) return undefined;
    const [entryId, queueId] = menuId.slice(OFFER_MENU.length).split(':');
    if (pressedCallbackKey(event.menuResult)) {
      const requested = this.requested(entryId).finally(() => this.requesting.delete(event.callId));
      this.requesting.set(event.callId, requested);
      return { answer: messageAndHangup(REQUESTED_TEXT, this.queues.cached(queueId)?.locale ?? null), requested };
    }
    void this.dataSource
      .query(`UPDATE queue_entries SET parked_at = now(), parks = parks + 1, updated_at = now() WHERE id = $1 AND state = 'waiting'`, [entryId])
      .catch((err: unknown) => this.logger.warn({ err, entryId }, 'Re-park after the callback offer not recorded'));
    // A queue deleted meanwhile cannot hold a caller (deleting needs no waiting callers): a neutral prompt.
    const queue = this.queues.cached(queueId) ?? { greeting: null, holdPrompt: 'Please hold.', locale: null };
    return { answer: parkSvaml(queue, this.config.queues.parkS, '') };
  }

  // The caller's DiCE follows the thanks at once: the request must be written before the DiCE ends the wait, or the
  // caller would be taken for an abandon. In this process it may still be in flight: awaited. Written by no one (the
  // PIE reached another process, which died before writing it): read from the PIE itself, stored before its answer
  // was given. Resolves to the agent leg to cancel when an offer was ringing and this call wrote the request.
  async settled(sinchCallId: string, callId: string | undefined): Promise<string | null> {
    const inFlight = this.requesting.get(sinchCallId);
    if (inFlight) {
      await inFlight.catch(() => undefined);
      return null;
    }
    if (!callId) return null;
    const [offered] = (await this.dataSource.query(
      `SELECT id FROM queue_entries WHERE sinch_call_id = $1 AND state IN ('waiting', 'offered') AND callback_offered_at IS NOT NULL`,
      [sinchCallId],
    )) as { id: string }[];
    if (!offered) return null;
    const pies = await this.callsQuery.eventsOf(callId, ['pie']);
    const pressed = pies.some((e) => {
      const result = (e.payload as { menuResult?: MenuResult } | null)?.menuResult;
      return result?.menuId?.startsWith(`${OFFER_MENU}${offered.id}:`) === true && pressedCallbackKey(result);
    });
    return pressed ? this.requested(offered.id) : null;
  }

  private async requested(entryId: string): Promise<string | null> {
    const [rows] = (await this.dataSource.query(
      `WITH old AS (SELECT id, state, agent_call_id FROM queue_entries WHERE id = $1 AND state IN ('waiting', 'offered') FOR UPDATE)
       UPDATE queue_entries e SET state = 'callback_requested', callback_requested_at = now(), updated_at = now()
       FROM old WHERE e.id = old.id RETURNING e.queue_id, old.state AS was, old.agent_call_id`,
      [entryId],
    )) as [{ queue_id: string; was: EntryState; agent_call_id: string | null }[], number];
    const row = rows[0];
    if (!row) return null;
    void this.events.publish('queues', 'callback.requested', { entryId, queueId: row.queue_id });
    return row.was === 'offered' ? row.agent_call_id : null;
  }

  // The callback's ACE: the caller joins their room (music until the agent) and is in line again, in their place.
  // false when the callback is no longer wanted (expired or cancelled while it rang): the call is hung up.
  async answered(entryId: string, sinchCallId: string): Promise<boolean> {
    const [rows] = (await this.dataSource.query(
      `UPDATE queue_entries SET state = 'waiting', sinch_call_id = $2, callback_answered_at = now(), parked_at = now(), updated_at = now()
       WHERE id = $1 AND state = 'calling_back' RETURNING queue_id`,
      [entryId, sinchCallId],
    )) as [{ queue_id: string }[], number];
    if (!rows[0]) {
      await this.patch(entryId, sinchCallId, buildSvaml(svaml.hangup()));
      return false;
    }
    void this.events.publish('queues', 'callback.answered', { entryId, queueId: rows[0].queue_id });
    return true;
  }

  // The callback's DiCE before any answer (no answer, busy, refused at dialling): the callback is over.
  async notAnswered(entryId: string, callId: string, result: string): Promise<boolean> {
    const [rows] = (await this.dataSource.query(
      `UPDATE queue_entries SET state = 'failed', end_reason = $3, ended_at = now(), updated_at = now()
       WHERE id = $1 AND state = 'calling_back' AND callback_call_id = $2 RETURNING queue_id`,
      [entryId, callId, `callback_no_answer:${result.toLowerCase()}`],
    )) as [{ queue_id: string }[], number];
    if (rows[0]) void this.events.publish('queues', 'callback.failed', { entryId, queueId: rows[0].queue_id, reason: result.toLowerCase() });
    return rows[0] !== undefined;
  }

  // Callbacks past their expiry, and callbacks whose call failed before it reached Sinch (refused by the dialler's
  // last compliance check, or rejected by Sinch): no DiCE will come for those, so the sweep closes them.
  private async expire(now: Date): Promise<number> {
    const [undialled] = (await this.dataSource.query(
      `UPDATE queue_entries e SET state = 'failed', end_reason = 'callback_not_dialled', ended_at = $1, updated_at = now()
       FROM calls c WHERE e.state = 'calling_back' AND c.id = e.callback_call_id AND c.state = 'failed' AND c.sinch_call_id IS NULL
       RETURNING e.id, e.queue_id, c.error_message`,
      [now],
    )) as [{ id: string; queue_id: string; error_message: string | null }[], number];
    for (const row of undialled) {
      void this.events.publish('queues', 'callback.failed', { entryId: row.id, queueId: row.queue_id, reason: 'not_dialled', error: row.error_message });
    }
    const [rows] = (await this.dataSource.query(
      `UPDATE queue_entries e SET state = 'failed', end_reason = 'callback_expired', ended_at = $1, updated_at = now()
       FROM queues q WHERE q.id = e.queue_id AND e.state IN ('callback_requested', 'calling_back')
         AND e.callback_requested_at <= $1::timestamptz - make_interval(secs => COALESCE((q.callback ->> 'expiresAfterS')::int, $2))
       RETURNING e.id, e.queue_id`,
      [now, CALLBACK_DEFAULTS.expiresAfterS],
    )) as [{ id: string; queue_id: string }[], number];
    for (const row of rows) void this.events.publish('queues', 'callback.expired', { entryId: row.id, queueId: row.queue_id });
    return rows.length + undialled.length;
  }

  async list(queueId: string): Promise<QueueCallback[]> {
    await this.queues.get(queueId);
    return (await this.dataSource.query(
      `SELECT e.id AS "entryId", e.state, e.from_number AS "fromNumber", e.enqueued_at AS "enqueuedAt", e.callback_requested_at AS "requestedAt",
              e.callback_requested_at + make_interval(secs => COALESCE((q.callback ->> 'expiresAfterS')::int, $2)) AS "expiresAt",
              e.callback_call_id AS "callbackCallId"
       FROM queue_entries e JOIN queues q ON q.id = e.queue_id
       WHERE e.queue_id = $1 AND e.state IN ('callback_requested', 'calling_back') ORDER BY e.priority DESC, e.enqueued_at`,
      [queueId, CALLBACK_DEFAULTS.expiresAfterS],
    )) as QueueCallback[];
  }

  // A supervisor drops a callback not yet being made (a ringing one is a 409: it ends on its own).
  async cancel(queueId: string, entryId: string): Promise<void> {
    await this.queues.get(queueId);
    const [rows] = (await this.dataSource.query(
      `UPDATE queue_entries SET state = 'removed', end_reason = 'callback_cancelled', ended_at = now(), updated_at = now()
       WHERE id = $1 AND queue_id = $2 AND state = 'callback_requested' RETURNING id`,
      [entryId, queueId],
    )) as [{ id: string }[], number];
    if (rows[0]) {
      void this.events.publish('queues', 'callback.cancelled', { entryId, queueId });
      return;
    }
    const [row] = (await this.dataSource.query(`SELECT state, callback_requested_at FROM queue_entries WHERE id = $1 AND queue_id = $2`, [
      entryId,
      queueId,
    ])) as { state: EntryState; callback_requested_at: Date | null }[];
    if (!row?.callback_requested_at) throw new QueuesError('callback_not_found', `No callback ${entryId} in queue ${queueId}`);
    throw new QueuesError('callback_not_pending', `Callback ${entryId} is ${row.state}, not waiting to be made`);
  }

  // false when the call is gone (the entry is closed) or the PATCH failed (logged).
  private async patch(entryId: string, sinchCallId: string, doc: Svaml): Promise<boolean> {
    try {
      await this.sinch.manageCall(sinchCallId, doc);
      return true;
    } catch (err) {
      if (err instanceof SinchApiError && err.status === 404) {
        await this.dataSource.query(
          `UPDATE queue_entries SET state = 'failed', end_reason = 'call_gone', ended_at = now(), updated_at = now() WHERE id = $1 AND state = 'waiting'`,
          [entryId],
        );
      } else this.logger.warn({ err, entryId }, 'ManageCall for a callback failed');
      return false;
    }
  }
}

function offerMenu(entryId: string, queueId: string, key: string, locale: string | null): Svaml {
  const menuId = `${OFFER_MENU}${entryId}:${queueId}`;
  const question = {
    mainPrompt: promptOf(OFFER_TEXT.replace('{key}', key)),
    maxDigits: 1,
    timeoutMills: OFFER_WAIT_MS,
    options: [{ dtmf: key, action: `return(${OFFER_RETURN})` as const }],
  };
  // Sinch wants a menu named "main"; ours runs (mainMenu) so that its id comes back in the PIE either way.
  return buildSvaml(
    svaml.runMenu(
      [
        { id: menuId, ...question },
        { id: 'main', ...question },
      ],
      { barge: true, mainMenu: menuId, ...(locale ? { locale } : {}) },
    ),
  );
}

function pressedCallbackKey(result: MenuResult): boolean {
  return result.type === 'return' && result.value === OFFER_RETURN;
}
