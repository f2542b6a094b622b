// CallsService: the call log's lifecycle, for every feature that places or ends calls.
//   createOutbound(input: CreateOutboundCall, manager?: EntityManager): Promise<Call>       state queued
//   findById(id: string): Promise<Call | null>
//   markDialStarted(id: string): Promise<boolean>      once: queued and not started yet; counts the attempt
//   clearDialStarted(id: string, error?: CallError): Promise<void>   retryable failure before Sinch accepted
//   recordDialError(id: string, error: CallError): Promise<void>   outcome unknown: keep the error and the marker
//   markInitiated(id: string, sinchCallId: string): Promise<boolean> never moves back, never replaces a Sinch id
//   markFailed(id: string, error: { errorCode?: number; errorMessage: string }): Promise<boolean>   final, no source
//   finaliseReconciled(id: string, info: CallInformation): Promise<boolean>   (the reconciler)
//   findUndialled(olderThanS, limit): Promise<string[]>   queued outbound calls no dial ever started for
//   findDialsInDoubt(olderThanS, limit): Promise<string[]>   dials started long ago that nothing resolved
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { Call, CALL_KINDS } from 'src/calls/call.entity';
import { CallEvent } from 'src/calls/call-event.entity';
import { finalStateFor, sqlProgress, SQL_FINAL_STATES } from 'src/calls/call-state';
import { normalizePhoneNumber } from 'src/common/phone-number';
import type { CallInformation } from 'src/sinch/voice-client';

export interface CreateOutboundCall {
  kind: 'tts' | 'conference' | 'custom';
  toNumber: string;
  fromNumber?: string;
  country?: string;
  request: Record<string, unknown>;
  custom?: string;
  campaignId?: string;
  contactId?: string;
  queueId?: string;
  conferenceId?: string;
}

export interface CallError {
  errorCode?: number;
  errorMessage: string;
}

const OUTBOUND_KINDS: readonly string[] = CALL_KINDS.filter((k) => k !== 'inbound');

@Injectable()
export class CallsService {
  constructor(
    @InjectRepository(Call) private readonly calls: Repository<Call>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async createOutbound(input: CreateOutboundCall, manager?: EntityManager): Promise<Call> {
    if (!OUTBOUND_KINDS.includes(input.kind)) throw new Error(`createOutbound: kind must be tts, conference or custom (got ${input.kind})`);
    const repo = manager ? manager.getRepository(Call) : this.calls;
    const country = input.country ?? normalizePhoneNumber(input.toNumber)?.country ?? null;
    return repo.save(
      repo.create({
        direction: 'outbound',
        kind: input.kind,
        state: 'queued',
        toNumber: input.toNumber,
        fromNumber: input.fromNumber ?? null,
        country,
        request: input.request,
        custom: input.custom ?? null,
        campaignId: input.campaignId ?? null,
        contactId: input.contactId ?? null,
        queueId: input.queueId ?? null,
        conferenceId: input.conferenceId ?? null,
      }),
    );
  }

  findById(id: string): Promise<Call | null> {
    return this.calls.findOneBy({ id });
  }

  // Calls to a number created since `since` (and before `until`, when given): the frequency cap's count. `until`
  // lets a queued call leave out itself and the calls asked for after it; `manager` reads inside the caller's
  // transaction (a second pool connection per request would starve the pool under load).
  async countRecentCallsTo(toNumber: string, since: Date, options: { until?: Date; manager?: EntityManager } = {}): Promise<number> {
    const until = options.until;
    const rows: { n: number }[] = await (options.manager ?? this.dataSource).query(
      'SELECT count(*)::int AS n FROM calls WHERE to_number = $1 AND created_at > $2 AND ($3::timestamptz IS NULL OR created_at < $3)',
      [toNumber, since, until ?? null],
    );
    return rows[0]?.n ?? 0;
  }

  findBySinchCallId(sinchCallId: string): Promise<Call | null> {
    return this.calls.findOneBy({ sinchCallId });
  }

  // The guard against dialling twice: only the first caller after a (re)queue gets true.
  async markDialStarted(id: string): Promise<boolean> {
    const result = await this.calls
      .createQueryBuilder()
      .update()
      .set({ dialStartedAt: () => 'now()', dialAttempts: () => 'dial_attempts + 1' })
      .where('id = :id AND dial_started_at IS NULL AND state = :state', { id, state: 'queued' })
      .execute();
    return (result.affected ?? 0) > 0;
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
  async markInitiated(id: string, sinchCallId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `UPDATE calls SET
         sinch_call_id = coalesce(sinch_call_id, $2),
         state = ${sqlProgress('state', "'initiated'")},
         initiated_at = coalesce(initiated_at, now()),
         updated_at = now()
       WHERE id = $1 AND (sinch_call_id IS NULL OR sinch_call_id = $2)
       RETURNING id`,
      [id, sinchCallId],
    );
    return affectedRows(rows) > 0;
  }

  async markFailed(id: string, error: CallError): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `UPDATE calls SET state = 'failed', final_source = NULL, error_code = $2, error_message = $3,
         ended_at = coalesce(ended_at, now()), updated_at = now()
       WHERE id = $1 AND state NOT IN (${SQL_FINAL_STATES})
       RETURNING id`,
      [id, error.errorCode ?? null, error.errorMessage],
    );
    return affectedRows(rows) > 0;
  }

  // The reconciler's finalisation: the call row and the event that explains it, in one transaction.
  async finaliseReconciled(id: string, info: CallInformation): Promise<{ finalised: boolean; eventId?: string }> {
    return this.dataSource.transaction(async (manager) => {
      const rows: unknown[] = await manager.query(
        `UPDATE calls SET state = $2, result = $3, reason = $4, duration_s = $5,
           debit_amount = $6, debit_currency = $7, rate_amount = $8, rate_currency = $9,
           ended_at = coalesce(ended_at, now()), final_source = 'reconciled', updated_at = now()
         WHERE id = $1 AND final_source IS NULL
         RETURNING id, sinch_call_id`,
        [
          id,
          finalStateFor(info.result, info.reason),
          info.result ?? null,
          info.reason ?? null,
          info.duration ?? null,
          info.debit?.amount ?? null,
          info.debit?.currency ?? null,
          info.userRate?.amount ?? null,
          info.userRate?.currency ?? null,
        ],
      );
      const updated = firstRow<{ sinch_call_id: string | null }>(rows);
      if (!updated) return { finalised: false };
      const event = await manager.getRepository(CallEvent).save({
        dedupeKey: `reconciled:${id}`,
        sinchCallId: updated.sinch_call_id,
        callId: id,
        kind: 'reconciled',
        eventAt: info.timestamp ?? null,
        receivedAt: new Date(),
        payload: info.raw,
        via: 'reconciler',
        processedAt: null,
      });
      return { finalised: true, eventId: event.id };
    });
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
    await this.calls.createQueryBuilder().update().set({ reconcileCheckedAt: () => 'now()' }).where('id = :id', { id }).execute();
  }
}

// TypeORM's raw UPDATE ... RETURNING answers [rows, count] on Postgres.
function affectedRows(result: unknown[]): number {
  return Array.isArray(result[0]) ? (result[0] as unknown[]).length : result.length;
}

function firstRow<T>(result: unknown[]): T | undefined {
  const rows = Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);
  return rows[0];
}
