import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { RecordingsError } from './recordings.errors';
import { RecordingAccess } from './recording-access.entity';
import { entry } from './recording-ledger.service';
import { RecordingMetrics } from './recording-metrics.service';
import { RecordingStorage } from './recording-storage.service';
import { Recording } from './recording.entity';

export interface Eraser {
  keyId: string | null;
  keyName: string | null;
}

// Erases a segment's media and transcript where they are stored and leaves the row as a tombstone; every
// erasure is written to the access log. The file goes first: a crash in between leaves a row that erases again.
@Injectable()
export class RecordingEraser {
  private readonly logger = new Logger('RecordingEraser');

  constructor(
    @InjectRepository(Recording) private readonly recordings: Repository<Recording>,
    private readonly storage: RecordingStorage,
    private readonly metrics: RecordingMetrics,
  ) {}

  async erase(id: string, by: Eraser, reason: 'deleted' | 'retention'): Promise<Recording> {
    const row = await this.recordings.findOneBy({ id });
    if (!row) throw new RecordingsError('recording_not_found', `Recording ${id} not found`);
    if (row.erasedAt) throw new RecordingsError('already_erased', `Recording ${id} was already erased at ${row.erasedAt.toISOString()} (${row.eraseReason})`);
    if (row.legalHold) throw new RecordingsError('legal_hold', `Recording ${id} is under legal hold; release the hold before erasing it`);
    if (row.status === 'recording' || row.status === 'finished') {
      throw new RecordingsError(
        'recording_not_delivered',
        `Recording ${id} is still ${row.status}; it can be erased once Sinch has delivered it (or it is missing)`,
      );
    }
    for (const location of [row.location, row.transcriptLocation]) if (location) await this.storage.delete(location);
    const erased = await this.recordings.manager.transaction(async (m) => {
      const [, affected] = (await m.query(
        `UPDATE recordings SET erased_at = now(), erased_by = $2, erase_reason = $3, location = NULL, size_bytes = NULL, transcript_text = NULL,
                transcript_locale = NULL, transcript_location = NULL, timeline = timeline || $4::jsonb, updated_at = now()
          WHERE id = $1 AND erased_at IS NULL AND NOT legal_hold`,
        [id, by.keyName ?? 'retention', reason, entry('erased', { reason, by: by.keyName ?? 'retention' })],
      )) as [unknown, number];
      if (affected !== 1) return false;
      await m
        .getRepository(RecordingAccess)
        .insert({ recordingId: id, action: reason === 'deleted' ? 'erase' : 'retention_erase', keyId: by.keyId, keyName: by.keyName });
      return true;
    });
    if (!erased) throw new RecordingsError('recording_changed', `Recording ${id} changed while being erased (erased or held meanwhile)`);
    this.metrics.erased.inc({ reason });
    this.logger.log({ recordingId: id, reason }, 'Recording erased');
    return this.recordings.findOneByOrFail({ id });
  }
}
