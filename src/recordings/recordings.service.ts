import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import type { AuthenticatedKey } from 'src/auth/api-keys.service';
import { isFinalState, type Call } from 'src/calls/calls.module';
import { CallsService } from 'src/calls/calls.service';
import { AppError } from 'src/common/app-error';
import { invalidField } from 'src/common/validation';
import { RecordingsError } from './recordings.errors';
import { decodeCursor, encodeCursor, toPage, type Page } from 'src/common/pagination';
import { SinchVoiceClient } from 'src/sinch/voice-client';
import { buildSvaml, svaml } from 'src/sinch/svaml/svaml.builders';
import { contentTypeOf, parseRange } from './audio-format';
import { RecordingAccess } from './recording-access.entity';
import { RecordingEraser } from './recording-eraser.service';
import { entry, RecordingLedger } from './recording-ledger.service';
import { RecordingStorage, StoredObjectMissing } from './recording-storage.service';
import { Recording } from './recording.entity';
import { toRecordingResponse, type AccessLogQueryDto, type ListRecordingsQueryDto, type RecordingResponse, type StartRecordingDto } from './recordings.dto';

export interface MediaResponse {
  status: 200 | 206;
  headers: Record<string, string>;
  body: Readable;
}

export class RangeNotSatisfiable extends Error {
  constructor(readonly size: number) {
    super(`The range asked for is beyond the recording's ${size} bytes`);
  }
}

// The recordings API's work: reads, media with ranges (each listen logged), erasure, legal hold, and starting or
// stopping a live call's recording on demand (a stop then a start makes the next segment).
@Injectable()
export class RecordingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly calls: CallsService,
    private readonly client: SinchVoiceClient,
    private readonly ledger: RecordingLedger,
    private readonly storage: RecordingStorage,
    private readonly eraser: RecordingEraser,
  ) {}

  async list(query: ListRecordingsQueryDto): Promise<Page<RecordingResponse>> {
    const limit = query.limit ?? 50;
    const cursor = decodeCursor(query.cursor);
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    if (from && to && from > to) {
      throw invalidField('from', 'range', 'from must not be after to');
    }
    const qb = this.dataSource.getRepository(Recording).createQueryBuilder('r');
    for (const [field, column] of [
      ['callId', 'call_id'],
      ['conferenceId', 'conference_id'],
      ['queueId', 'queue_id'],
      ['campaignId', 'campaign_id'],
      ['agentId', 'agent_id'],
      ['status', 'status'],
    ] as const) {
      if (query[field] !== undefined) qb.andWhere(`r.${column} = :${field}`, { [field]: query[field] });
    }
    if (from) qb.andWhere('r.started_at >= :from', { from });
    if (to) qb.andWhere('r.started_at < :to', { to });
    if (cursor) qb.andWhere('(r.created_at, r.id) < (:cursorAt, :cursorId)', { cursorAt: cursor.createdAt, cursorId: cursor.id });
    const rows = await qb
      .orderBy('r.created_at', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    return toPage(rows, limit, toRecordingResponse);
  }

  async get(id: string): Promise<RecordingResponse & { timeline: Recording['timeline'] }> {
    const row = await this.find(id);
    return { ...toRecordingResponse(row), timeline: row.timeline };
  }

  // The media, whole or one byte range; the listen is logged before a byte is sent.
  async media(id: string, rangeHeader: string | undefined, key: AuthenticatedKey): Promise<MediaResponse> {
    const row = await this.find(id);
    if (row.erasedAt)
      throw new RecordingsError('erased', `Recording ${id} was erased at ${row.erasedAt.toISOString()} (${row.eraseReason}); only its tombstone is kept`);
    if (row.status !== 'available' || !row.location) throw new RecordingsError('not_available', `Recording ${id} is ${row.status}: there is no media to play`);
    const size = await this.storage.size(row.location);
    if (size === null) throw new RecordingsError('media_gone', `Recording ${id}'s file is no longer at its location`);
    const range = parseRange(rangeHeader, size);
    if (range === 'unsatisfiable') throw new RangeNotSatisfiable(size);
    await this.dataSource.getRepository(RecordingAccess).insert({
      recordingId: id,
      action: 'listen',
      keyId: key.id,
      keyName: key.name,
      range: range ? `bytes=${range.start}-${range.end}` : null,
    });
    const headers: Record<string, string> = { 'content-type': contentTypeOf(row.location, row.format), 'accept-ranges': 'bytes' };
    try {
      const body = await this.storage.read(row.location, range ?? undefined);
      if (!range) return { status: 200, headers: { ...headers, 'content-length': String(size) }, body };
      return {
        status: 206,
        headers: { ...headers, 'content-length': String(range.end - range.start + 1), 'content-range': `bytes ${range.start}-${range.end}/${size}` },
        body,
      };
    } catch (error) {
      if (error instanceof StoredObjectMissing) throw new RecordingsError('media_gone', `Recording ${id}'s file is no longer at its location`);
      throw error;
    }
  }

  async accessLog(
    query: AccessLogQueryDto,
  ): Promise<Page<{ id: string; recordingId: string; action: string; keyId: string | null; keyName: string | null; range: string | null; at: string }>> {
    const limit = query.limit ?? 50;
    const cursor = decodeCursor(query.cursor);
    const qb = this.dataSource.getRepository(RecordingAccess).createQueryBuilder('a');
    if (query.recordingId) qb.andWhere('a.recording_id = :recordingId', { recordingId: query.recordingId });
    if (cursor) qb.andWhere('(a.at, a.id) < (:cursorAt, :cursorId)', { cursorAt: cursor.createdAt, cursorId: cursor.id });
    const rows = await qb
      .orderBy('a.at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    const items = rows.slice(0, limit);
    return {
      items: items.map((a) => ({
        id: a.id,
        recordingId: a.recordingId,
        action: a.action,
        keyId: a.keyId,
        keyName: a.keyName,
        range: a.range,
        at: a.at.toISOString(),
      })),
      nextCursor: rows.length > limit ? encodeCursor({ createdAt: items[items.length - 1].at, id: items[items.length - 1].id }) : null,
    };
  }

  async erase(id: string, key: AuthenticatedKey): Promise<RecordingResponse> {
    return toRecordingResponse(await this.eraser.erase(id, { keyId: key.id, keyName: key.name }, 'deleted'));
  }

  async setHold(id: string, hold: boolean, key: AuthenticatedKey): Promise<RecordingResponse> {
    await this.find(id);
    await this.holdWhere('id = $1', [id], hold, key);
    return toRecordingResponse(await this.find(id));
  }

  // A hold on a call holds every segment it has, and the ones it records later (a new segment inherits it).
  async setCallHold(callId: string, hold: boolean, key: AuthenticatedKey): Promise<RecordingResponse[]> {
    const call = await this.calls.findById(callId);
    if (!call) throw new RecordingsError('call_not_found', `Call ${callId} not found`);
    const rows = await this.dataSource.getRepository(Recording).find({ where: { callId }, order: { segment: 'ASC' } });
    if (rows.length === 0) throw new RecordingsError('no_recordings', `Call ${callId} has no recordings to hold`);
    await this.holdWhere('call_id = $1', [callId], hold, key);
    return (await this.dataSource.getRepository(Recording).find({ where: { callId }, order: { segment: 'ASC' } })).map(toRecordingResponse);
  }

  async start(callId: string, dto: StartRecordingDto, key: AuthenticatedKey): Promise<RecordingResponse> {
    const call = await this.liveCall(callId);
    const segment = await this.ledger.open(call, key.name);
    if (!segment) throw new RecordingsError('already_recording', `Call ${callId} is already being recorded; stop it first`);
    const options = dto.transcribe ? { transcriptionOptions: { enabled: true, ...(dto.locale ? { locale: dto.locale } : {}) } } : {};
    try {
      await this.client.manageCall(call.sinchCallId, buildSvaml(svaml.continue(), svaml.startRecording(options)));
    } catch (error) {
      await this.ledger.discard(segment.id);
      throw upstream(error, callId);
    }
    return toRecordingResponse(segment);
  }

  async stop(callId: string, key: AuthenticatedKey): Promise<RecordingResponse> {
    const call = await this.liveCall(callId);
    const segment = await this.ledger.recording(call.sinchCallId);
    if (!segment || segment.finishedAt) throw new RecordingsError('not_recording', `Call ${callId} is not being recorded`);
    try {
      await this.client.manageCall(call.sinchCallId, buildSvaml(svaml.continue(), svaml.stopRecording()));
    } catch (error) {
      throw upstream(error, callId);
    }
    await this.ledger.note(segment.id, `stop asked on demand by ${key.name}`);
    return toRecordingResponse(await this.find(segment.id));
  }

  private async holdWhere(where: string, params: unknown[], hold: boolean, key: AuthenticatedKey): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const rows = (await m.query(
        `UPDATE recordings SET legal_hold = $${params.length + 1}, timeline = timeline || $${params.length + 2}::jsonb, updated_at = now()
          WHERE ${where} AND legal_hold <> $${params.length + 1} RETURNING id`,
        [...params, hold, entry(hold ? 'legal hold' : 'legal hold released', { by: key.name })],
      )) as [{ id: string }[], number];
      for (const { id } of rows[0]) {
        await m.getRepository(RecordingAccess).insert({ recordingId: id, action: hold ? 'legal_hold_on' : 'legal_hold_off', keyId: key.id, keyName: key.name });
      }
    });
  }

  private async liveCall(id: string): Promise<Call & { sinchCallId: string }> {
    const call = await this.calls.findById(id);
    if (!call) throw new RecordingsError('call_not_found', `Call ${id} not found`);
    if (isFinalState(call.state)) throw new RecordingsError('call_ended', `Call ${id} has ended (${call.state}): it can no longer be recorded`);
    // Not 'answered' only: a custom callout's inline ACE never reaches us, so the row may still say initiated.
    if (!call.sinchCallId) throw new RecordingsError('call_not_live', `Call ${id} has not reached Sinch yet (no Sinch call id)`);
    return call as Call & { sinchCallId: string };
  }

  private async find(id: string): Promise<Recording> {
    const row = await this.dataSource.getRepository(Recording).findOneBy({ id });
    if (!row) throw new RecordingsError('recording_not_found', `Recording ${id} not found`);
    return row;
  }
}

function upstream(error: unknown, callId: string): AppError {
  if (error instanceof AppError) return error;
  const status = (error as { status?: number })?.status;
  if (status === 404) return new RecordingsError('call_ended', `Call ${callId} is no longer live at Sinch`);
  return new RecordingsError('sinch_refused', `Sinch refused the recording change: ${error instanceof Error ? error.message : String(error)}`);
}
