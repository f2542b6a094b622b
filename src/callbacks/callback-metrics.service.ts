import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { Metrics } from 'src/metrics/metrics';

export type CallbackOutcome = 'accepted' | 'duplicate' | 'deferred' | 'dead_lettered' | 'rejected_signature' | 'invalid' | 'unavailable';

@Injectable()
export class CallbackMetrics {
  private readonly callbacks: Counter<'event' | 'outcome'>;
  private readonly duration: Histogram<'event'>;

  constructor(metrics: Metrics) {
    this.callbacks = new Counter({
      name: 'sinch_callbacks_total',
      help: 'Sinch callbacks by event and outcome (accepted, duplicate, deferred to Redis, dead_lettered, rejected_signature, invalid, unavailable)',
      labelNames: ['event', 'outcome'] as const,
      registers: [metrics.registry],
    });
    this.duration = new Histogram({
      name: 'sinch_callback_handling_seconds',
      help: 'Time from receiving a Sinch callback to having its answer (verify, decide, record)',
      labelNames: ['event'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [metrics.registry],
    });
  }

  count(event: string, outcome: CallbackOutcome): void {
    this.callbacks.inc({ event, outcome });
  }

  observe(event: string, seconds: number): void {
    this.duration.observe({ event }, seconds);
  }
}
