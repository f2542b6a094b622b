import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { SQL_FINAL_STATES, sqlProgress, type FinalCallState } from 'src/calls/call-state';
import type { CallEventKind, CallEventVia } from 'src/calls/call-event.entity';
import { contributionColumns, contributionSelect, isCountedSql, rollupUpsertSql } from 'src/calls/rollups/call-rollup-sql';
import type { Money } from 'src/sinch/sinch-money';

// One accepted callback (or the reconciler's answer from Sinch), as the ledger stores it and applies it to its row.
export interface LedgerEntry {
  dedupeKey: string;
  kind: CallEventKind;
  sinchCallId?: string;
  // Our calls.id decoded from `custom`: finds the row before Sinch's call id is stored on it.
  ourCallId?: string;
  eventAt?: Date;
  receivedAt: Date;
  payload: Record<string, unknown>;
  via: CallEventVia;
  // False when no follow-up handler is registered for the kind: the event is processed once stored.
  needsFollowUp: boolean;
  // ICE of a call we do not know: the inbound row to create.
  inbound?: { from?: string; to?: string; country?: string; domain?: string; custom?: string; route?: string };
  // DiCE or reconciled: the final state and billing.
  final?: { state: FinalCallState; result?: string; reason?: string; durationS?: number; debit?: Money; rate?: Money };
}

export interface LedgerOutcome {
  // False: the same event was already recorded (a duplicate delivery); nothing else was done.
  inserted: boolean;
  eventId?: string;
  callId?: string;
  // True when this DiCE made the call final (false for a call already finalised).
  finalised: boolean;
}

// Everything an event does to the database, in ONE statement for a whole batch: insert the events (ON CONFLICT DO
// NOTHING on the dedupe key) and, for the ones that were new, create the inbound call (ICE), move the call forward
// (ICE, ACE, by the forward-only rule of call-state.ts; a final call is left alone) or finalise it with its billing
// (DiCE, or the reconciler's answer: the one finalisation path, first word from Sinch wins, final_source says
// which). One round trip on the webhook path, and one statement is one transaction. Callers must not put two events
// of the same call in one batch: Postgres applies only one update per row per statement.
//
// Two forms of it: a batch without a finalising event (ICE, ACE, PIE, Notify) runs the statement without its
// finalisation and roll-up part, whose statement triggers on call_rollups fire even for no rows (measured: a third
// of an eight-ICE statement's execution time).
const RECORD_PROGRESS_CTES = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(
    ord int, k text, s text, c uuid, e text, t timestamptz, r timestamptz, p jsonb, v text, done boolean,
    fr text, tn text, co text, dm text, cu text, ro text,
    st text, res text, rea text, dur int, da numeric, dc text, ra numeric, rc text, en timestamptz)
),
matched AS (
  SELECT i.*, coalesce(
    (SELECT id FROM calls WHERE sinch_call_id = i.s),
    (SELECT id FROM calls WHERE id = i.c AND (sinch_call_id IS NULL OR sinch_call_id = i.s))
  ) AS found
  FROM input i
),
resolved AS (
  SELECT m.*, CASE WHEN m.found IS NULL AND m.e = 'ice' AND m.c IS NULL AND m.s IS NOT NULL THEN gen_random_uuid() END AS new_id
  FROM matched m
),
ev AS (
  INSERT INTO call_events (dedupe_key, sinch_call_id, call_id, kind, event_at, received_at, payload, via, processed_at)
  SELECT k, s, coalesce(found, new_id), e, t, r, p, v, CASE WHEN done THEN r END FROM resolved ORDER BY ord
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING id, dedupe_key
),
fresh AS (SELECT r.*, ev.id AS event_id FROM resolved r JOIN ev ON ev.dedupe_key = r.k),
inbound AS (
  INSERT INTO calls (id, sinch_call_id, direction, kind, state, from_number, to_number, country, domain, custom, inbound_route, initiated_at)
  SELECT new_id, s, 'inbound', 'inbound', 'ringing', fr, tn, co, dm, cu, ro, coalesce(t, r) FROM fresh WHERE new_id IS NOT NULL
  ON CONFLICT (sinch_call_id) WHERE sinch_call_id IS NOT NULL DO NOTHING
  RETURNING id
),
progressed AS (
  UPDATE calls c SET
    sinch_call_id = coalesce(c.sinch_call_id, f.s),
    state = ${sqlProgress('c.state', "(CASE f.e WHEN 'ace' THEN 'answered' ELSE 'initiated' END)")},
    initiated_at = coalesce(c.initiated_at, f.t, f.r),
    answered_at = CASE WHEN f.e = 'ace' THEN coalesce(c.answered_at, f.t, f.r) ELSE c.answered_at END,
    updated_at = now()
  FROM fresh f WHERE f.found = c.id AND f.e IN ('ice', 'ace') AND c.state NOT IN (${SQL_FINAL_STATES})
  RETURNING c.id
)`;

const RECORD_FINALISE_CTES = `,
-- The rows a DiCE or the reconciler finalises, as they were, locked before the update so the roll-ups take out
-- exactly what counted before (a call we marked failed ourselves) even when another statement changed it meanwhile.
prior AS (
  SELECT ${contributionColumns('c')}, f.k AS fk FROM calls c JOIN fresh f ON f.found = c.id
  WHERE f.e IN ('dice', 'reconciled') AND c.final_source IS NULL
  FOR UPDATE OF c
),
finalised AS (
  UPDATE calls c SET
    sinch_call_id = coalesce(c.sinch_call_id, f.s),
    state = f.st, result = f.res, reason = f.rea, duration_s = f.dur,
    debit_amount = f.da, debit_currency = f.dc, rate_amount = f.ra, rate_currency = f.rc,
    -- Sinch's timestamps have whole seconds: never place the answer before we placed the call.
    answered_at = coalesce(c.answered_at, CASE WHEN f.dur > 0 AND f.en IS NOT NULL THEN greatest(c.initiated_at, f.en - make_interval(secs => f.dur)) END),
    ended_at = coalesce(f.en, c.ended_at, f.r), final_source = f.e, updated_at = now()
  FROM prior p JOIN fresh f ON f.k = p.fk WHERE c.id = p.id AND c.final_source IS NULL
  RETURNING ${contributionColumns('c')}, f.k
),
-- Roll-ups (src/calls/rollups) in the same statement: the finalised calls in, their earlier final state out.
rollup_delta AS (
  ${contributionSelect('n', 1)} FROM finalised n
  UNION ALL
  ${contributionSelect('o', -1)} FROM prior o JOIN finalised n ON n.id = o.id WHERE ${isCountedSql('o')}
),
rollup AS (${rollupUpsertSql('rollup_delta')})`;

const RECORD_SQL = `${RECORD_PROGRESS_CTES}${RECORD_FINALISE_CTES}
SELECT f.ord, f.event_id, coalesce(f.found, f.new_id) AS call_id, EXISTS (SELECT 1 FROM finalised x WHERE x.k = f.k) AS finalised
FROM fresh f`;

const RECORD_PROGRESS_SQL = `${RECORD_PROGRESS_CTES}
SELECT f.ord, f.event_id, coalesce(f.found, f.new_id) AS call_id, false AS finalised
FROM fresh f`;

const finalises = (entry: LedgerEntry): boolean => entry.kind === 'dice' || entry.kind === 'reconciled';

interface RecordRow {
  ord: number;
  event_id: string;
  call_id: string | null;
  finalised: boolean;
}

function toInput(entry: LedgerEntry, ord: number): Record<string, unknown> {
  const f = entry.final;
  const b = entry.inbound;
  return {
    ord,
    k: entry.dedupeKey,
    s: entry.sinchCallId ?? null,
    c: entry.ourCallId ?? null,
    e: entry.kind,
    t: entry.eventAt?.toISOString() ?? null,
    r: entry.receivedAt.toISOString(),
    p: entry.payload,
    v: entry.via,
    done: !entry.needsFollowUp,
    fr: b?.from ?? null,
    tn: b?.to ?? null,
    co: b?.country ?? null,
    dm: b?.domain ?? null,
    cu: b?.custom ?? null,
    ro: b?.route ?? null,
    st: f?.state ?? null,
    res: f?.result ?? null,
    rea: f?.reason ?? null,
    dur: f?.durationS ?? null,
    // Amounts travel as JSON strings and land in numeric columns: never a float on the way.
    da: f?.debit?.amount ?? null,
    dc: f?.debit?.currency ?? null,
    ra: f?.rate?.amount ?? null,
    rc: f?.rate?.currency ?? null,
    // A DiCE says when the call ended; the reconciler's answer does not (the row keeps its own end, or now).
    en: entry.kind === 'dice' ? (entry.eventAt ?? entry.receivedAt).toISOString() : null,
  };
}

export interface PendingEvent {
  id: string;
  kind: CallEventKind;
  callId: string | null;
  payload: Record<string, unknown>;
  receivedAt: Date;
}

@Injectable()
export class CallLedger {
  private readonly pool: Pool;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    // The driver's pg pool directly: a named (prepared) statement skips re-planning the CTE on every batch.
    this.pool = (dataSource.driver as PostgresDriver).master as Pool;
  }

  async record(entries: LedgerEntry[]): Promise<LedgerOutcome[]> {
    if (entries.length === 0) return [];
    const input = JSON.stringify(entries.map(toInput));
    const statement = entries.some(finalises)
      ? { name: 'call_ledger_record', text: RECORD_SQL }
      : { name: 'call_ledger_record_progress', text: RECORD_PROGRESS_SQL };
    const { rows } = await this.pool.query<RecordRow>({ ...statement, values: [input] });
    const outcomes: LedgerOutcome[] = entries.map(() => ({ inserted: false, finalised: false }));
    for (const row of rows) {
      outcomes[row.ord] = { inserted: true, eventId: row.event_id, callId: row.call_id ?? undefined, finalised: row.finalised };
    }
    return outcomes;
  }

  async markProcessed(eventIds: string[]): Promise<void> {
    if (eventIds.length === 0) return;
    await this.pool.query('UPDATE call_events SET processed_at = now() WHERE id = ANY($1::uuid[])', [eventIds]);
  }

  async markFollowUpFailed(eventId: string): Promise<void> {
    await this.pool.query('UPDATE call_events SET follow_up_attempts = follow_up_attempts + 1 WHERE id = $1', [eventId]);
  }

  // Events whose follow-ups did not finish (a crash, a failing handler), oldest first.
  async pendingFollowUps(olderThan: Date, maxAttempts: number, limit: number): Promise<PendingEvent[]> {
    const { rows } = await this.pool.query<{ id: string; kind: CallEventKind; call_id: string | null; payload: Record<string, unknown>; received_at: Date }>(
      `SELECT id, kind, call_id, payload, received_at FROM call_events
       WHERE processed_at IS NULL AND received_at < $1 AND follow_up_attempts < $2
       ORDER BY received_at LIMIT $3`,
      [olderThan, maxAttempts, limit],
    );
    return rows.map((r) => ({ id: r.id, kind: r.kind, callId: r.call_id, payload: r.payload, receivedAt: r.received_at }));
  }
}
