import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, EntityManager, Repository } from 'typeorm';
import { Call } from 'src/calls/call.entity';
import { CallEvent, type CallEventKind } from 'src/calls/call-event.entity';
import { toCallEventResponse } from 'src/calls/dto/call-event.response';
import { toCallResponse, type CallResponse } from 'src/calls/dto/call.response';
import { type CallDetailResponse } from 'src/calls/dto/call-detail.response';
import type { ListCallsQueryDto } from 'src/calls/dto/list-calls.query';
import { decodeCursor, toPage, type Page } from 'src/common/pagination';
import { CallsError } from 'src/calls/calls.errors';

const TIMELINE_LIMIT = 500;

// Which calls a figure covers: today one campaign's (reports will add days, countries, numbers, queues).
export interface CallScope {
  campaignId: string;
}

export interface MoneyTotal {
  currency: string;
  // Exact decimal string (numeric sum), never a float.
  amount: string;
}

export interface CallTotals {
  total: number;
  // Calls Sinch accepted (they have a Sinch call id).
  placed: number;
  inFlight: number;
  // Answered and ended (state completed).
  answered: number;
  placedFinal: number;
  // Average duration of answered calls that lasted, seconds as a decimal string; null without any.
  averageTalkS: string | null;
  initiatedLastMinute: number;
  firstInitiatedAt: Date | null;
  lastInitiatedAt: Date | null;
  byState: Record<string, number>;
  // Sinch's result; 'none' for calls without one yet.
  byResult: Record<string, number>;
}

// The call log as the admin API reads it: filtered, keyset-paginated lists and one call with its timeline.
@Injectable()
export class CallsQueryService {
  constructor(
    @InjectRepository(Call) private readonly calls: Repository<Call>,
    @InjectRepository(CallEvent) private readonly events: Repository<CallEvent>,
  ) {}

  async list(query: ListCallsQueryDto): Promise<Page<CallResponse>> {
    const limit = query.limit ?? 50;
    const cursor = decodeCursor(query.cursor);
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    if (from && to && from > to) {
      throw new CallsError('invalid_call_query', 'from must not be after to', [{ field: 'from', rule: 'range', message: 'from must not be after to' }]);
    }
    const qb = this.calls.createQueryBuilder('c');
    if (query.state) qb.andWhere('c.state = :state', { state: query.state });
    if (query.direction) qb.andWhere('c.direction = :direction', { direction: query.direction });
    if (query.result) qb.andWhere('c.result = :result', { result: query.result });
    if (query.campaignId) qb.andWhere('c.campaign_id = :campaignId', { campaignId: query.campaignId });
    if (query.number) {
      qb.andWhere(new Brackets((w) => w.where('c.from_number = :number').orWhere('c.to_number = :number')), { number: query.number });
    }
    if (from) qb.andWhere('c.created_at >= :from', { from });
    if (to) qb.andWhere('c.created_at < :to', { to });
    if (cursor) qb.andWhere('(c.created_at, c.id) < (:cursorAt, :cursorId)', { cursorAt: cursor.createdAt, cursorId: cursor.id });
    const rows = await qb
      .orderBy('c.created_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    return toPage(rows, limit, toCallResponse);
  }

  async get(id: string): Promise<CallDetailResponse> {
    const call = await this.calls.findOneBy({ id });
    if (!call) throw new CallsError('call_not_found', `Call ${id} not found`);
    const qb = this.events.createQueryBuilder('e').where('e.call_id = :id', { id });
    // Events recorded before the row knew its Sinch id (or matched by nothing but that id) belong here too.
    if (call.sinchCallId) qb.orWhere('e.sinch_call_id = :sinchCallId', { sinchCallId: call.sinchCallId });
    const events = await qb.orderBy('e.received_at', 'ASC').addOrderBy('e.id', 'ASC').limit(TIMELINE_LIMIT).getMany();
    return { ...toCallResponse(call), events: events.map(toCallEventResponse) };
  }

  // The call log's answers for other features (campaign stats and spend cap, compliance, reports): each query
  // answers one question; no caller outside calls/ reads the calls table itself.

  // DiCE debits per currency (currencies in order), as exact decimals.
  async spendByCurrency(scope: CallScope, manager?: EntityManager): Promise<MoneyTotal[]> {
    const rows: MoneyTotal[] = await (manager ?? this.calls.manager).query(
      `SELECT trim(debit_currency) AS currency, sum(debit_amount)::text AS amount FROM calls
       WHERE campaign_id = $1 AND debit_amount IS NOT NULL GROUP BY 1 ORDER BY 1`,
      [scope.campaignId],
    );
    return rows;
  }

  // The recorded callbacks of one call of the given kinds, in the order they arrived (e.g. ACE and PIE: what AMD
  // and the menu reported). Events stored before the row knew its Sinch id belong to it too.
  async eventsOf(callId: string, kinds: readonly CallEventKind[]): Promise<CallEvent[]> {
    const call = await this.calls.findOne({ where: { id: callId }, select: { id: true, sinchCallId: true } });
    if (!call || kinds.length === 0) return [];
    const qb = this.events
      .createQueryBuilder('e')
      .where(new Brackets((w) => (call.sinchCallId ? w.where('e.call_id = :id').orWhere('e.sinch_call_id = :sinchCallId') : w.where('e.call_id = :id'))))
      .andWhere('e.kind IN (:...kinds)')
      .setParameters({ id: callId, sinchCallId: call.sinchCallId, kinds });
    return qb.orderBy('e.received_at', 'ASC').addOrderBy('e.id', 'ASC').limit(TIMELINE_LIMIT).getMany();
  }

  // Calls to a number created since `since` (and before `until`, when given): the frequency cap's count. `until`
  // lets a queued call leave out itself and the calls asked for after it; `manager` reads inside the caller's
  // transaction (a second pool connection per request would starve the pool under load).
  async countRecentCallsTo(toNumber: string, since: Date, options: { until?: Date; manager?: EntityManager } = {}): Promise<number> {
    const until = options.until;
    const rows: { n: number }[] = await (options.manager ?? this.calls.manager).query(
      'SELECT count(*)::int AS n FROM calls WHERE to_number = $1 AND created_at > $2 AND ($3::timestamptz IS NULL OR created_at < $3)',
      [toNumber, since, until ?? null],
    );
    return rows[0]?.n ?? 0;
  }

  // Our id and the caller of the call Sinch knows by this id (an inbound leg's row is written when its ICE is recorded).
  async legForSinchCall(sinchCallId: string): Promise<{ id: string; fromNumber: string | null } | null> {
    const call = await this.calls.findOne({ where: { sinchCallId }, select: { id: true, fromNumber: true } });
    return call ? { id: call.id, fromNumber: call.fromNumber } : null;
  }
}
