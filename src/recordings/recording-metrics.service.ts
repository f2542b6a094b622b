import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter, Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { withDeadline } from 'src/common/deadline';
import { Metrics } from 'src/metrics/metrics';

const SCRAPE_TIMEOUT_MS = 1000;

// Recording outcomes on /metrics: `recordings_missing` is the alert (a recording Sinch never delivered).
@Injectable()
export class RecordingMetrics {
  readonly transitions: Counter<'status'>;
  readonly erased: Counter<'reason'>;

  constructor(metrics: Metrics, @InjectDataSource() dataSource: DataSource) {
    const registers = [metrics.registry];
    this.transitions = new Counter({
      name: 'recordings_status_changes_total',
      help: 'Recording segments that became available, failed (file not readable) or missing (no recording_available in time)',
      labelNames: ['status'],
      registers,
    });
    this.erased = new Counter({
      name: 'recordings_erased_total',
      help: 'Recording media erased, by reason (deleted, retention)',
      labelNames: ['reason'],
      registers,
    });
    new Gauge({
      name: 'recordings',
      help: 'Recording segments by status (missing: Sinch never said the file was available)',
      labelNames: ['status'],
      registers,
      async collect() {
        const rows = await withDeadline(
          dataSource.query('SELECT status, count(*)::int AS n FROM recordings GROUP BY status') as Promise<{ status: string; n: number }[]>,
          SCRAPE_TIMEOUT_MS,
          'recordings by status',
        ).catch((): { status: string; n: number }[] => []);
        this.reset();
        for (const status of ['recording', 'finished', 'available', 'failed', 'missing']) {
          this.set({ status }, rows.find((r) => r.status === status)?.n ?? 0);
        }
      },
    });
  }
}
