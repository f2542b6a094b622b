import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Counter, Gauge, Histogram } from 'prom-client';
import { CALLOUT_JOBS } from 'src/callouts/callout.jobs';
import { withDeadline } from 'src/common/deadline';
import { Metrics } from 'src/metrics/metrics';

const RATE_WINDOW_MS = 10_000;
const SCRAPE_TIMEOUT_MS = 1000;

// Callout counters on the app's registry. Each process counts what it does (the API: requested; workers: the rest);
// Prometheus sums them. Queue depth is read from Redis at scrape time, so any process reports the whole queue.
@Injectable()
export class CalloutMetrics {
  readonly requested: Counter<'type'>;
  readonly placed: Counter<'type'>;
  readonly failed: Counter<'error_code' | 'reason'>;
  readonly retries: Counter<'reason'>;
  readonly inDoubt: Counter;
  readonly sent: Counter;
  readonly wait: Histogram;
  private readonly sentAt: number[] = [];

  constructor(metrics: Metrics, @InjectQueue(CALLOUT_JOBS.queue) queue: Queue) {
    const registers = [metrics.registry];
    this.requested = new Counter({ name: 'callouts_requested_total', help: 'Callouts accepted by the API', labelNames: ['type'], registers });
    this.placed = new Counter({ name: 'callouts_placed_total', help: 'Callouts Sinch accepted', labelNames: ['type'], registers });
    this.failed = new Counter({
      name: 'callouts_failed_total',
      help: 'Callouts failed, by Sinch errorCode (none: no code) and reason (rejected, exhausted, refused by compliance, in_doubt_expired)',
      labelNames: ['error_code', 'reason'],
      registers,
    });
    this.retries = new Counter({ name: 'callouts_retries_total', help: 'Callout requests to be sent again', labelNames: ['reason'], registers });
    this.inDoubt = new Counter({
      name: 'callouts_in_doubt_total',
      help: 'Callouts whose request may have reached Sinch (timeout, lost connection): never sent again, left to the DiCE',
      registers,
    });
    this.sent = new Counter({ name: 'callouts_sinch_requests_total', help: 'Callout requests sent to Sinch', registers });
    this.wait = new Histogram({
      name: 'callouts_queue_wait_seconds',
      help: 'Time from enqueue to the first dial attempt',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
      registers,
    });
    new Gauge({
      name: 'callouts_queue_jobs',
      help: 'Jobs in the callouts queue by state',
      labelNames: ['state'],
      registers,
      async collect() {
        // Redis away: report nothing rather than hang or fail the whole scrape (BullMQ waits for Redis forever).
        const counts = await withDeadline(
          queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized', 'failed'),
          SCRAPE_TIMEOUT_MS,
          'callouts queue counts',
        ).catch((): Record<string, number> => ({}));
        for (const [state, count] of Object.entries(counts)) this.set({ state }, count);
      },
    });
    const sentAt = this.sentAt;
    new Gauge({
      name: 'callouts_achieved_rate_per_second',
      help: `Callout requests this process sent per second over the last ${RATE_WINDOW_MS / 1000} s`,
      registers,
      collect() {
        const since = Date.now() - RATE_WINDOW_MS;
        while (sentAt.length > 0 && sentAt[0] < since) sentAt.shift();
        this.set(sentAt.length / (RATE_WINDOW_MS / 1000));
      },
    });
  }

  recordSent(): void {
    this.sent.inc();
    const now = Date.now();
    this.sentAt.push(now);
    // Bounded: only the window matters.
    while (this.sentAt.length > 0 && this.sentAt[0] < now - RATE_WINDOW_MS) this.sentAt.shift();
  }

  recordFailed(errorCode: number | null, reason: 'rejected' | 'exhausted' | 'refused' | 'in_doubt_expired'): void {
    this.failed.inc({ error_code: errorCode === null ? 'none' : String(errorCode), reason });
  }
}
