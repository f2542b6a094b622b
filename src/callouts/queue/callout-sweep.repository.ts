import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

// The two read-only questions the sweep asks of the call log. Plain SQL on calls' columns, kept here until
// CallsService offers them (see docs/callouts.md); writes all go through CallsService.
@Injectable()
export class CalloutSweepRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  // Queued, never dialled (or dial cleared for a retry), and older than a job normally waits to start.
  async undialled(olderThanS: number, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM calls
       WHERE state = 'queued' AND direction = 'outbound' AND sinch_call_id IS NULL AND dial_started_at IS NULL
         AND updated_at < now() - make_interval(secs => $1)
       ORDER BY created_at LIMIT $2`,
      [olderThanS, limit],
    );
    return rows.map((r) => r.id);
  }

  // A dial that started long ago and never resolved: no answer stored, no callback linked it.
  async inDoubt(olderThanS: number, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM calls
       WHERE state = 'queued' AND direction = 'outbound' AND sinch_call_id IS NULL
         AND dial_started_at < now() - make_interval(secs => $1)
       ORDER BY dial_started_at LIMIT $2`,
      [olderThanS, limit],
    );
    return rows.map((r) => r.id);
  }
}
