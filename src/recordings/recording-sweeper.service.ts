import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from 'src/config/app-config';
import { AdminEvents } from 'src/events/admin-events.service';
import { RecordingEraser } from './recording-eraser.service';
import { entry } from './recording-ledger.service';
import { RecordingMetrics } from './recording-metrics.service';

const RETENTION_BATCH = 100;

// The recordings' periodic work: missing detection and retention.
@Injectable()
export class RecordingSweeper {
  private readonly logger = new Logger('RecordingSweeper');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly eraser: RecordingEraser,
    private readonly metrics: RecordingMetrics,
    private readonly events: AdminEvents,
  ) {}

  // Segments that stopped (their call ended, or Sinch said recording_finished) and were never reported
  // available within RECORDINGS_MISSING_AFTER_S: the failure Sinch never tells about.
  async detectMissing(): Promise<string[]> {
    const [rows] = (await this.dataSource.query(
      `UPDATE recordings SET status = 'missing', timeline = timeline || $2::jsonb, updated_at = now()
        WHERE status IN ('recording', 'finished') AND finished_at < now() - make_interval(secs => $1::int)
        RETURNING id, call_id AS "callId", sinch_call_id AS "sinchCallId", segment`,
      [this.config.recordings.missingAfterS, entry('missing', { afterS: this.config.recordings.missingAfterS })],
    )) as [{ id: string; callId: string | null; sinchCallId: string; segment: number }[], number];
    for (const row of rows) {
      this.metrics.transitions.inc({ status: 'missing' });
      this.logger.warn({ recordingId: row.id, callId: row.callId, segment: row.segment }, 'Recording missing: Sinch never reported it available');
      await this.events.publish('recordings', 'recording.missing', {
        id: row.id,
        callId: row.callId,
        segment: row.segment,
        afterS: this.config.recordings.missingAfterS,
      });
    }
    return rows.map((r) => r.id);
  }

  // Erases media past its retention, oldest first, never on legal hold.
  async enforceRetention(): Promise<string[]> {
    const due = (await this.dataSource.query(
      `SELECT id FROM recordings
        WHERE retain_until < now() AND erased_at IS NULL AND NOT legal_hold AND status IN ('available', 'failed', 'missing')
        ORDER BY retain_until LIMIT $1`,
      [RETENTION_BATCH],
    )) as { id: string }[];
    const erased: string[] = [];
    for (const { id } of due) {
      try {
        await this.eraser.erase(id, { keyId: null, keyName: null }, 'retention');
        erased.push(id);
      } catch (error) {
        this.logger.warn({ recordingId: id, err: error }, 'Retention could not erase a recording; next sweep retries');
      }
    }
    return erased;
  }
}
