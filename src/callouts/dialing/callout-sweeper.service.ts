import { Injectable, Logger } from '@nestjs/common';
import { CallsService } from 'src/calls/calls.service';
import { AppConfig } from 'src/config/app-config';
import { CalloutMetrics } from 'src/callouts/callout-metrics.service';
import { IdempotencyService } from 'src/common/idempotency/idempotency.service';
import { CalloutJobs, type EnsureResult } from './callout-jobs.service';

const BATCH = 500;

export interface SweepReport {
  requeued: Partial<Record<EnsureResult, number>>;
  inDoubtFailed: number;
  idempotencyKeysDeleted: number;
}

// The repeatable safety net, run by one worker at a time (a BullMQ job scheduler):
// - a queued call with no live job (the API crashed between commit and enqueue, or Redis lost it) gets one;
// - a dial in doubt for longer than any call can last is failed; a late DiCE still replaces that state;
// - expired idempotency keys are deleted.
@Injectable()
export class CalloutSweeper {
  private readonly logger = new Logger('CalloutSweeper');

  constructor(
    private readonly calloutJobs: CalloutJobs,
    private readonly calls: CallsService,
    private readonly idempotency: IdempotencyService,
    private readonly metrics: CalloutMetrics,
    private readonly config: AppConfig,
  ) {}

  async sweep(): Promise<SweepReport> {
    const { requeueAfterS, inDoubtTimeoutS } = this.config.callouts;
    const requeued: SweepReport['requeued'] = {};
    for (const callId of await this.calls.findUndialled(requeueAfterS, BATCH)) {
      const result = await this.calloutJobs.ensureJob(callId);
      requeued[result] = (requeued[result] ?? 0) + 1;
    }
    let inDoubtFailed = 0;
    for (const callId of await this.calls.findDialsInDoubt(inDoubtTimeoutS, BATCH)) {
      const errorMessage = `Dial outcome unknown: the callout request may have reached Sinch but no answer or callback arrived within ${inDoubtTimeoutS} s`;
      if (await this.calls.markFailed(callId, { errorMessage })) {
        inDoubtFailed++;
        this.metrics.recordFailed(null, 'in_doubt_expired');
      }
    }
    const idempotencyKeysDeleted = await this.idempotency.deleteExpired();
    const report = { requeued, inDoubtFailed, idempotencyKeysDeleted };
    const repaired = (requeued.added ?? 0) + (requeued.retried ?? 0) + (requeued.replaced ?? 0);
    if (repaired > 0 || inDoubtFailed > 0) this.logger.warn({ ...report }, 'Callout sweep repaired calls');
    return report;
  }
}
