import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository } from 'typeorm';
import { Call } from 'src/calls/call.entity';
import { CallEvent } from 'src/calls/call-event.entity';
import { toCallEventResponse, toCallResponse, type CallDetailResponse, type CallResponse } from 'src/calls/call.response';
import type { ListCallsQueryDto } from 'src/calls/list-calls.query';
import { AppError } from 'src/common/app-error';
import { decodeCursor, toPage, type Page } from 'src/common/pagination';

const TIMELINE_LIMIT = 500;

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
      throw new AppError('invalid', 'from must not be after to', [{ field: 'from', rule: 'range', message: 'from must not be after to' }]);
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
    const rows = await qb.orderBy('c.created_at', 'DESC').addOrderBy('c.id', 'DESC').limit(limit + 1).getMany();
    return toPage(rows, limit, toCallResponse);
  }

  async get(id: string): Promise<CallDetailResponse> {
    const call = await this.calls.findOneBy({ id });
    if (!call) throw new AppError('not_found', `Call ${id} not found`);
    const qb = this.events.createQueryBuilder('e').where('e.call_id = :id', { id });
    // Events recorded before the row knew its Sinch id (or matched by nothing but that id) belong here too.
    if (call.sinchCallId) qb.orWhere('e.sinch_call_id = :sinchCallId', { sinchCallId: call.sinchCallId });
    const events = await qb.orderBy('e.received_at', 'ASC').addOrderBy('e.id', 'ASC').limit(TIMELINE_LIMIT).getMany();
    return { ...toCallResponse(call), events: events.map(toCallEventResponse) };
  }
}
