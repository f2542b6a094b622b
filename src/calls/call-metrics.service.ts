import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { Metrics } from 'src/metrics/metrics';

@Injectable()
export class CallMetrics {
  readonly finalised: Counter<'state' | 'source'>;
  readonly reconciled: Counter<'outcome'>;

  constructor(metrics: Metrics) {
    this.finalised = new Counter({
      name: 'calls_finalised_total',
      help: 'Calls that reached a final state, by state and by how it was learned (dice, reconciled)',
      labelNames: ['state', 'source'] as const,
      registers: [metrics.registry],
    });
    this.reconciled = new Counter({
      name: 'calls_reconcile_checks_total',
      help: 'Reconciler look-ups at Sinch by outcome (finalised, ongoing, not_found, error)',
      labelNames: ['outcome'] as const,
      registers: [metrics.registry],
    });
  }
}
