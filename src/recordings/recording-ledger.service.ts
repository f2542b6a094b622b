import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Call } from 'src/calls/calls.module';
import { CallsQueryService } from 'src/calls/calls-query.service';
import { CallbackHandlers } from 'src/calls/handlers/callback-handlers.service';
import { batchedCheck } from 'src/common/micro-batcher';
import { AdminEvents } from 'src/events/admin-events.service';
import type { DiceEvent, MenuResult, NotifyEvent } from 'src/sinch/callback-events';
import { AUDIO_HEADER_BYTES, audioDurationS } from './audio-format';
import { RecordingMetrics } from './recording-metrics.service';
import { declinedRecording, RecordingPolicies, type PolicyTarget } from './recording-policies.service';
import { RecordingStorage } from './recording-storage.service';
import { Recording, type TimelineEntry } from './recording.entity';

// A call whose stored request asked Sinch to record (a callout's `record`, a policy's startRecording in an
// inline ICE): if no Notify ever names a segment, its DiCE still leaves one to be found missing.
const RECORDED_REQUEST = /startRecording|"_rec"/;

type SegmentRow = Pick<Recording, 'id' | 'status' | 'erasedAt' | 'finishedAt' | 'campaignId' | 'queueId' | 'conferenceId'>;

// The recordings table's writer: Notify events move a segment recording -> finished -> available (or failed),
// a DiCE closes what the call's end stopped, and on-demand starts open a segment. One call's events are
// serialised with a transaction-scoped advisory lock (Notifies may be followed up concurrently).
@Injectable()
export class RecordingLedger implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RecordingLedger');
  private unregister?: () => void;
  private readonly hasSegments = batchedCheck<string>(async (sinchCallIds) => {
    const rows = (await this.dataSource.query('SELECT DISTINCT sinch_call_id FROM recordings WHERE sinch_call_id = ANY($1::text[])', [sinchCallIds])) as {
      sinch_call_id: string;
    }[];
    const found = new Set(rows.map((r) => r.sinch_call_id));
    return (sinchCallId) => found.has(sinchCallId);
  });

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly handlers: CallbackHandlers,
    private readonly callsQuery: CallsQueryService,
    private readonly storage: RecordingStorage,
    private readonly policies: RecordingPolicies,
    private readonly metrics: RecordingMetrics,
    private readonly events: AdminEvents,
  ) {}

  onModuleInit(): void {
    this.unregister = this.handlers.register({
      name: 'recordings',
      notify: async (event, ctx) => this.onNotify(event, await ctx.call()),
      dice: async (event, ctx) => this.onDice(event, await ctx.call()),
    });
  }

  onModuleDestroy(): void {
    this.unregister?.();
  }

  async onNotify(event: NotifyEvent, call: Call | null): Promise<void> {
    const sinchCallId = event.callId;
    if (!sinchCallId) return;
    if (event.type === 'recording_finished') await this.finished(sinchCallId, call);
    else if (event.type === 'recording_available' && event.destination) await this.available(sinchCallId, call, event.destination);
    else if (event.type === 'transcription_available' && event.destination) await this.transcribed(sinchCallId, event.destination);
  }

  async onDice(_event: DiceEvent, call: Call | null): Promise<void> {
    if (!call?.sinchCallId) return;
    const sinchCallId = call.sinchCallId;
    const endedAt = call.endedAt ?? new Date();
    // Most calls have no segment and expect none: one read, shared with the other DiCEs arriving meanwhile, no
    // transaction (every DiCE comes here).
    const any = await this.hasSegments(sinchCallId);
    // Without a segment yet: whether the call should have one (asked once, not again under the lock).
    const expected = !any && call.answeredAt !== null && (await this.expectsRecording(call));
    if (!any && !expected) return;
    await this.locked(sinchCallId, async (m) => {
      // The call's end stops every segment still recording.
      await m.query(
        `UPDATE recordings SET finished_at = $2, timeline = timeline || $3::jsonb, updated_at = now()
          WHERE sinch_call_id = $1 AND status = 'recording' AND finished_at IS NULL`,
        [sinchCallId, endedAt, entry('call ended')],
      );
      const [{ n }] = (await m.query('SELECT count(*)::int AS n FROM recordings WHERE sinch_call_id = $1', [sinchCallId])) as { n: number }[];
      if (n === 0 && expected && call.answeredAt) {
        const row = await this.insert(m, sinchCallId, call, 'recording', call.answeredAt, 'expected: the call asked to be recorded');
        await m.query('UPDATE recordings SET finished_at = $2 WHERE id = $1', [row.id, endedAt]);
      }
    });
  }

  // The request asked for it, or a policy that a feature applies to its answers (campaigns today) says so.
  private async expectsRecording(call: Call): Promise<boolean> {
    if (RECORDED_REQUEST.test(JSON.stringify(call.request ?? {}))) return true;
    // A queue's legs to agents (or to a forward number) are not recorded: the caller's own leg is, by the policy.
    if (call.direction === 'outbound' && call.queueId && !call.campaignId) return false;
    const targets = targetsOf({ ...call, routeNumber: call.direction === 'inbound' ? call.toNumber : null });
    if (targets.length === 0) return false;
    const policy = this.policies.effective(targets);
    if (policy.mode === 'off' || (policy.source === 'default' && call.campaignId === null)) return false;
    // A campaign's machine-answered call is not recorded (see CampaignCallHandler), nor a caller who pressed the
    // consent menu's opt-out key.
    const events = await this.callsQuery.eventsOf(call.id, ['ace', 'pie']);
    return !events.some((e) => {
      const payload = e.payload as { amd?: { status?: string }; menuResult?: MenuResult };
      return payload?.amd?.status === 'machine' || (payload?.menuResult !== undefined && declinedRecording(payload.menuResult));
    });
  }

  // On demand: a new segment, recording from now. Returns undefined when the call already records.
  async open(call: Call & { sinchCallId: string }, by: string): Promise<Recording | undefined> {
    return this.locked(call.sinchCallId, async (m) => {
      if (await this.oldest(m, call.sinchCallId, `status = 'recording' AND finished_at IS NULL`)) return undefined;
      return this.insert(m, call.sinchCallId, call, 'recording', new Date(), `started on demand by ${by}`);
    });
  }

  // A start Sinch refused: the segment never existed.
  async discard(id: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM recordings WHERE id = $1 AND status = 'recording'`, [id]);
  }

  async recording(sinchCallId: string): Promise<Recording | null> {
    return this.dataSource.getRepository(Recording).findOne({ where: { sinchCallId, status: 'recording' }, order: { segment: 'DESC' } });
  }

  async note(id: string, what: string): Promise<void> {
    await this.dataSource.query('UPDATE recordings SET timeline = timeline || $2::jsonb, updated_at = now() WHERE id = $1', [id, entry(what)]);
  }

  private async finished(sinchCallId: string, call: Call | null): Promise<void> {
    await this.locked(sinchCallId, async (m) => {
      const open = await this.oldest(m, sinchCallId, `status = 'recording'`);
      if (open) {
        await m.query(
          `UPDATE recordings SET status = 'finished', finished_at = COALESCE(finished_at, now()), timeline = timeline || $2::jsonb, updated_at = now() WHERE id = $1`,
          [open.id, entry('recording_finished')],
        );
        return;
      }
      // A segment whose recording_available came first, or one started by a callback answer (no row yet).
      const early = await this.oldest(m, sinchCallId, `status IN ('available', 'failed') AND finished_at IS NULL`);
      if (early) {
        await m.query(`UPDATE recordings SET finished_at = now(), timeline = timeline || $2::jsonb WHERE id = $1`, [early.id, entry('recording_finished')]);
        return;
      }
      const row = await this.insert(m, sinchCallId, call, 'finished', call?.answeredAt ?? new Date(), 'recording_finished');
      await m.query('UPDATE recordings SET finished_at = now() WHERE id = $1', [row.id]);
    });
  }

  private async available(sinchCallId: string, call: Call | null, destination: string): Promise<void> {
    // Reading the object first, outside the lock: S3 may be slow.
    let size: number | null = null;
    let duration: number | null = null;
    let problem: string | undefined;
    try {
      size = await this.storage.size(destination);
      if (size === null) problem = `no file at ${destination}`;
      else duration = await this.duration(destination, size);
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    const status = problem ? 'failed' : 'available';
    const updated = await this.locked(sinchCallId, async (m) => {
      const row =
        (await this.oldest(m, sinchCallId, 'location = $2', [destination])) ??
        (await this.oldest(m, sinchCallId, `status IN ('recording', 'finished', 'missing') AND location IS NULL`)) ??
        (await this.insert(m, sinchCallId, call, 'finished', call?.answeredAt ?? new Date(), 'recording_available before recording_finished'));
      if (row.erasedAt || row.status === 'available') return undefined;
      // A queue caller's call row may name its queue only after the segment was opened (the entry is written after
      // the ICE answer): taken from the call now.
      const queueId = row.queueId ?? call?.queueId ?? null;
      const retention = this.policies.effective(targetsOf({ ...row, queueId })).retentionDays;
      await m.query(
        `UPDATE recordings SET status = $2, location = $3, size_bytes = $4, duration_s = $5, available_at = CASE WHEN $2 = 'available' THEN now() END,
                retain_until = now() + make_interval(days => $6::int), timeline = timeline || $7::jsonb, queue_id = $8, updated_at = now()
          WHERE id = $1`,
        [
          row.id,
          status,
          destination,
          size,
          duration,
          retention,
          entry(problem ? 'failed' : 'recording_available', problem ? { reason: problem } : {}),
          queueId,
        ],
      );
      return { id: row.id, wasMissing: row.status === 'missing' };
    });
    if (!updated) return;
    this.metrics.transitions.inc({ status });
    await this.events.publish('recordings', `recording.${status}`, { id: updated.id, callId: call?.id ?? null, ...(problem ? { reason: problem } : {}) });
    if (problem) this.logger.warn({ recordingId: updated.id, sinchCallId, problem }, 'Recording reported available but not readable');
  }

  private async transcribed(sinchCallId: string, destination: string): Promise<void> {
    let text: string;
    let locale: string | null = null;
    try {
      const parsed = parseTranscript(await this.storage.readText(destination));
      text = parsed.text;
      locale = parsed.locale;
    } catch (error) {
      this.logger.warn({ sinchCallId, err: error }, 'Transcript could not be read');
      return;
    }
    await this.locked(sinchCallId, async (m) => {
      const row =
        (await this.oldest(m, sinchCallId, 'transcript_location = $2', [destination])) ??
        (await this.oldest(m, sinchCallId, `transcript_location IS NULL AND erased_at IS NULL AND status = 'available'`));
      if (!row) return;
      await m.query(
        `UPDATE recordings SET transcript_text = $2, transcript_locale = $3, transcript_location = $4, timeline = timeline || $5::jsonb, updated_at = now() WHERE id = $1`,
        [row.id, text, locale, destination, entry('transcription_available')],
      );
    });
  }

  private async duration(location: string, size: number): Promise<number | null> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.storage.read(location, { start: 0, end: Math.min(size, AUDIO_HEADER_BYTES) - 1 }))
      chunks.push(Buffer.from(chunk as Buffer));
    const seconds = audioDurationS(Buffer.concat(chunks), size);
    return seconds === null ? null : Math.round(seconds * 1000) / 1000;
  }

  private async insert(
    m: EntityManager,
    sinchCallId: string,
    call: Call | null,
    status: 'recording' | 'finished',
    startedAt: Date,
    what: string,
  ): Promise<Recording> {
    const [{ next }] = (await m.query('SELECT COALESCE(max(segment), 0) + 1 AS next FROM recordings WHERE sinch_call_id = $1', [sinchCallId])) as {
      next: number;
    }[];
    const [{ held }] = (await m.query('SELECT bool_or(legal_hold) AS held FROM recordings WHERE sinch_call_id = $1', [sinchCallId])) as {
      held: boolean | null;
    }[];
    const repo = m.getRepository(Recording);
    return repo.save(
      repo.create({
        callId: call?.id ?? null,
        sinchCallId,
        conferenceId: call?.conferenceId ?? null,
        queueId: call?.queueId ?? null,
        campaignId: call?.campaignId ?? null,
        agentId: null,
        segment: next,
        format: this.storage.format,
        status,
        startedAt,
        legalHold: held === true,
        timeline: [JSON.parse(entry(what))[0] as TimelineEntry],
      }),
    );
  }

  private async oldest(m: EntityManager, sinchCallId: string, where: string, params: unknown[] = []): Promise<SegmentRow | undefined> {
    const rows = (await m.query(
      `SELECT id, status, erased_at AS "erasedAt", finished_at AS "finishedAt", campaign_id AS "campaignId", queue_id AS "queueId",
              conference_id AS "conferenceId"
         FROM recordings WHERE sinch_call_id = $1 AND ${where} ORDER BY segment LIMIT 1`,
      [sinchCallId, ...params],
    )) as SegmentRow[];
    return rows[0];
  }

  private locked<T>(sinchCallId: string, work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('recording:' || $1))`, [sinchCallId]);
      return work(m);
    });
  }
}

// The policy targets of a call or segment, most specific first; the number route last (an inbound call's number).
export function targetsOf(row: Pick<Recording, 'campaignId' | 'queueId' | 'conferenceId'> & { routeNumber?: string | null }): PolicyTarget[] {
  const targets: PolicyTarget[] = [];
  if (row.campaignId) targets.push({ type: 'campaign', id: row.campaignId });
  if (row.queueId) targets.push({ type: 'queue', id: row.queueId });
  if (row.conferenceId) targets.push({ type: 'conference', id: row.conferenceId });
  if (row.routeNumber) targets.push({ type: 'route', id: row.routeNumber });
  return targets;
}

export function entry(what: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify([{ at: new Date().toISOString(), what, ...extra }]);
}

// Sinch does not document the transcript file's shape; we accept `{ text, locale }` or a list of `results` /
// `segments` with `text` (the common speech-to-text shapes).
export function parseTranscript(raw: string): { text: string; locale: string | null } {
  const body = JSON.parse(raw) as Record<string, unknown>;
  const locale = typeof body.locale === 'string' ? body.locale : null;
  if (typeof body.text === 'string') return { text: body.text, locale };
  if (typeof body.transcript === 'string') return { text: body.transcript, locale };
  const parts = (body.results ?? body.segments) as { text?: unknown }[] | undefined;
  if (Array.isArray(parts))
    return {
      text: parts
        .map((p) => (typeof p?.text === 'string' ? p.text : ''))
        .filter(Boolean)
        .join(' '),
      locale,
    };
  throw new Error('transcript has no text');
}
