// CallsService: the call log's lifecycle, for every feature that places or ends calls.
//   createOutbound(inputs: CreateOutboundCall[], manager?): Promise<NewCall[]>   state queued, one INSERT (callouts' place())
//   findById(id: string): Promise<Call | null>
//   markDialStarted(id: string): Promise<boolean>      once: queued and not started yet; counts the attempt
//   clearDialStarted(id: string, error?: CallError): Promise<void>   retryable failure before Sinch accepted
//   recordDialError(id: string, error: CallError): Promise<void>   outcome unknown: keep the error and the marker
//   markInitiated(id: string, sinchCallId: string): Promise<boolean> never moves back, never replaces a Sinch id
//   markFailed(id: string, error: { errorCode?: number; errorMessage: string }): Promise<boolean>   final, no source
//   findUndialled(olderThanS, limit): Promise<string[]>   queued outbound calls no dial ever started for
//   findDialsInDoubt(olderThanS, limit): Promise<string[]>   dials started long ago that nothing resolved
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull, Repository } from 'typeorm';
import { Call, CALL_KINDS } from 'src/calls/call.entity';
import { sqlProgress, SQL_FINAL_STATES } from 'src/calls/call-state';
import { CONTRIBUTION_COLUMNS, contributionSelect, rollupUpsertSql } from 'src/calls/rollups/call-rollup-sql';
import { MicroBatcher } from 'src/common/micro-batcher';
import { normalizePhoneNumber } from 'src/common/phone-number';

export interface CreateOutboundCall {
  kind: 'tts' | 'conference' | 'custom';
  toNumber: string;
  fromNumber?: string;
  country?: string;
  // What to dial, in the callouts feature's format: stored as is.
  request: object;
  campaignId?: string;
  contactId?: string;
  queueId?: string;
  conferenceId?: string;
}

export interface NewCall {
  id: string;
  createdAt: Date;
}

export interface CallError {
  errorCode?: number;
  errorMessage: string;
}

const OUTBOUND_KINDS: readonly string[] = CALL_KINDS.filter((k) => k !== 'inbound');

// The dial path's three statements per call (read the row, set the in-flight marker, store Sinch's id) are grouped
// across concurrent callers: the callouts worker runs many jobs at once, and a burst the limiter lets through (a
// wave of queue agents' legs, measured) queued three pool round trips per call behind each other. Each row keeps
// its own condition; a call id is never twice in one batch of marks (the second push meets the marker the first
// set: a marker is won once).
// Several rows locked by one statement can deadlock with the ledger's (which locks its calls in another order):
// the batch the database picks is run again row by row (each row's condition makes that safe).
const DIAL_BATCH = { maxBatch: 100, maxConcurrent: 2, splitOn: (error: unknown) => (error as { code?: string }).code === '40P01' };

@Injectable()
export class CallsService {
  private readonly reads: MicroBatcher<string, Call | null>;
  private readonly dialMarks: MicroBatcher<string, boolean>;
  private readonly initiated: MicroBatcher<{ id: string; sinchCallId: string }, boolean>;

  constructor(
    @InjectRepository(Call) private readonly calls: Repository<Call>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.reads = new MicroBatcher<string, Call | null>({ ...DIAL_BATCH, run: (ids) => this.findByIds(ids) });
    this.dialMarks = new MicroBatcher<string, boolean>({ ...DIAL_BATCH, keys: (id) => [id], run: (ids) => this.markDialStartedMany(ids) });
    this.initiated = new MicroBatcher<{ id: string; sinchCallId: string }, boolean>({
      ...DIAL_BATCH,
      keys: (item) => [item.id],
      run: (items) => this.markInitiatedMany(items),
    });
  }

  // Callers place calls through CalloutsService.place (which validates and enqueues); this only writes the rows,
  // in one multi-row INSERT, and answers their ids in the order given.
  async createOutbound(inputs: readonly CreateOutboundCall[], manager?: EntityManager): Promise<NewCall[]> {
    if (inputs.length === 0) return [];
    const wrong = inputs.find((i) => !OUTBOUND_KINDS.includes(i.kind));
    if (wrong) throw new Error(`createOutbound: kind must be tts, conference or custom (got ${wrong.kind})`);
    // The ids are made here, so the answer lists them in the input's order; the rows travel as
    // one jsonb parameter (a statement with a parameter per column per row costs more to build than to run).
    const rows = inputs.map((input) => ({
      id: randomUUID(),
      kind: input.kind,
      to_number: input.toNumber,
      from_number: input.fromNumber ?? null,
      country: input.country ?? normalizePhoneNumber(input.toNumber)?.country ?? null,
      request: input.request,
      campaign_id: input.campaignId ?? null,
      contact_id: input.contactId ?? null,
      queue_id: input.queueId ?? null,
      conference_id: input.conferenceId ?? null,
    }));
    // created_at defaults to now(), the transaction's start: one value for every row of the statement, so it comes
    // back once rather than with each row.
    const [inserted]: { created_at: Date; n: number }[] = await (manager ?? this.dataSource.manager).query(
      `WITH inserted AS (
         INSERT INTO calls (id, direction, kind, state, to_number, from_number, country, request, campaign_id, contact_id, queue_id, conference_id)
         SELECT r.id, 'outbound', r.kind, 'queued', r.to_number, r.from_number, r.country, r.request, r.campaign_id, r.contact_id, r.queue_id, r.conference_id
         FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, kind text, to_number text, from_number text, country text, request jsonb,
                                                 campaign_id uuid, contact_id uuid, queue_id uuid, conference_id text)
         RETURNING created_at)
       SELECT min(created_at) AS created_at, count(*)::int AS n FROM inserted`,
      [JSON.stringify(rows)],
    );
    if (inserted.n !== rows.length) throw new Error(`createOutbound: ${inserted.n} of ${rows.length} rows written`);
    return rows.map((r) => ({ id: r.id, createdAt: inserted.created_at }));
  }

  // A dial-in leg that joins a room: its row names the conference, as a dial-out leg's does from the start, so the
  // room's recordings and cost reports find it.
  async linkConference(sinchCallId: string, conferenceId: string): Promise<void> {
    await this.calls.update({ sinchCallId, conferenceId: IsNull() }, { conferenceId });
  }

  // Inbound calls that entered a queue: their rows name it (the recordings and reports of the queue find them). The
  // queue may move (a supervisor, an overflow): the first queue stays. Returns the Sinch call ids linked.
  async linkQueues(links: { sinchCallId: string; queueId: string }[], manager: EntityManager = this.calls.manager): Promise<string[]> {
    if (links.length === 0) return [];
    const rows = (await manager.query(
      `UPDATE calls c SET queue_id = l.queue_id, updated_at = now()
         FROM (SELECT unnest($1::text[]) AS sinch_call_id, unnest($2::uuid[]) AS queue_id) l
        WHERE c.sinch_call_id = l.sinch_call_id AND c.queue_id IS NULL
       RETURNING c.sinch_call_id`,
      [links.map((l) => l.sinchCallId), links.map((l) => l.queueId)],
    )) as [{ sinch_call_id: string }[], number];
    return rows[0].map((r) => r.sinch_call_id);
  }

  findById(id: string): Promise<Call | null> {
    return this.reads.push(id);
  }

  private async findByIds(ids: readonly string[]): Promise<(Call | null)[]> {
    const rows = await this.calls.findBy({ id: In(ids) });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  findBySinchCallId(sinchCallId: string): Promise<Call | null> {
    return this.calls.findOneBy({ sinchCallId });
  }

  // The guard against dialling twice: only the first caller after a (re)queue gets true.
  markDialStarted(id: string): Promise<boolean> {
    return this.dialMarks.push(id);
  }

  private async markDialStartedMany(ids: readonly string[]): Promise<boolean[]> {
    const result: unknown[] = await this.dataSource.query(
      `UPDATE calls SET dial_started_at = now(), dial_attempts = dial_attempts + 1
       WHERE id = ANY($1::uuid[]) AND dial_started_at IS NULL AND state = 'queued' RETURNING id`,
      [ids],
    );
    const marked = new Set(returnedRows<{ id: string }>(result).map((r) => r.id));
    return ids.map((id) => marked.has(id));
  }

  async clearDialStarted(id: string, error?: CallError): Promise<void> {
    const set: Record<string, unknown> = { dialStartedAt: null };
    if (error) Object.assign(set, { errorCode: error.errorCode ?? null, errorMessage: error.errorMessage });
    await this.calls.createQueryBuilder().update().set(set).where('id = :id', { id }).execute();
  }

  // The dial's outcome is unknown (a timeout after sending): the error is kept for people to see, the in-flight
  // marker stays so nothing dials again, and a later callback or the sweep settles the call.
  async recordDialError(id: string, error: CallError): Promise<void> {
    await this.calls.update(id, { errorCode: error.errorCode ?? null, errorMessage: error.errorMessage });
  }

  // A DiCE or ICE may have stored the Sinch id already (via our custom); a different one is never overwritten.
  markInitiated(id: string, sinchCallId: string): Promise<boolean> {
    return this.initiated.push({ id, sinchCallId });
  }

  private async markInitiatedMany(items: readonly { id: string; sinchCallId: string }[]): Promise<boolean[]> {
    const result: unknown[] = await this.dataSource.query(
      `UPDATE calls c SET
         sinch_call_id = coalesce(c.sinch_call_id, v.sinch_call_id),
         state = ${sqlProgress('c.state', "'initiated'")},
         initiated_at = coalesce(c.initiated_at, now()),
         updated_at = now()
       FROM unnest($1::uuid[], $2::text[]) AS v(id, sinch_call_id)
       WHERE c.id = v.id AND (c.sinch_call_id IS NULL OR c.sinch_call_id = v.sinch_call_id)
       RETURNING c.id`,
      [items.map((i) => i.id), items.map((i) => i.sinchCallId)],
    );
    const marked = new Set(returnedRows<{ id: string }>(result).map((r) => r.id));
    return items.map((i) => marked.has(i.id));
  }

  async markFailed(id: string, error: CallError): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH failed AS (
         UPDATE calls SET state = 'failed', final_source = NULL, error_code = $2, error_message = $3,
           ended_at = coalesce(ended_at, now()), updated_at = now()
         WHERE id = $1 AND state NOT IN (${SQL_FINAL_STATES})
         RETURNING ${CONTRIBUTION_COLUMNS}
       ),
       delta AS (${contributionSelect('failed', 1)} FROM failed),
       rollup AS (${rollupUpsertSql('delta')})
       SELECT id FROM failed`,
      [id, error.errorCode ?? null, error.errorMessage],
    );
    return affectedRows(rows) > 0;
  }

  // Queued, never dialled (or the dial was cleared for a retry), and older than a job normally waits to start.
  async findUndialled(olderThanS: number, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM calls
       WHERE state = 'queued' AND direction = 'outbound' AND sinch_call_id IS NULL AND dial_started_at IS NULL
         AND updated_at < now() - make_interval(secs => $1)
       ORDER BY created_at LIMIT $2`,
      [olderThanS, limit],
    );
    return rows.map((r) => r.id);
  }

  // A dial that started long ago and never resolved: no Sinch id stored, no callback linked it.
  async findDialsInDoubt(olderThanS: number, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM calls
       WHERE state = 'queued' AND direction = 'outbound' AND sinch_call_id IS NULL
         AND dial_started_at < now() - make_interval(secs => $1)
       ORDER BY dial_started_at LIMIT $2`,
      [olderThanS, limit],
    );
    return rows.map((r) => r.id);
  }

  async markReconcileChecked(id: string): Promise<void> {
    await this.calls
      .createQueryBuilder()
      .update()
      .set({ reconcileCheckedAt: () => 'now()' })
      .where('id = :id', { id })
      .execute();
  }
}

// An UPDATE's RETURNING rows: TypeORM's postgres driver answers [rows, count] for an UPDATE.
function returnedRows<T>(result: unknown[]): T[] {
  return (Array.isArray(result[0]) ? result[0] : result) as T[];
}

function affectedRows(result: unknown[]): number {
  return returnedRows(result).length;
}
