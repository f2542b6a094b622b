import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CallFollowUps, diceFromCallInformation } from 'src/calls/ledger/call-follow-ups.service';
import { CallLedger } from 'src/calls/ledger/call-ledger.service';
import { CallMetrics } from 'src/calls/call-metrics.service';
import { finalStateFor, SQL_FINAL_STATES } from 'src/calls/call-state';
import { CallsService } from 'src/calls/calls.service';
import { AppConfig } from 'src/config/app-config';
import { SinchApiError } from 'src/sinch/sinch-errors';
import { SinchVoiceClient } from 'src/sinch/voice-client';

const BATCH = 100;
const CONCURRENCY = 4;

interface Candidate {
  id: string;
  sinch_call_id: string;
}

// Every call reaches a final state: calls Sinch knows of (a Sinch call id) that still have no final word long
// after they should have ended are looked up with GET /calling/v1/calls/id/{callId}; a FINAL answer finalises the
// row through the DiCE's own path, CallLedger.record (final_source 'reconciled', with debit and rate), and runs the
// DiCE follow-ups as if the DiCE had come.
@Injectable()
export class CallReconciler {
  private readonly logger = new Logger('CallReconciler');

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly calls: CallsService,
    private readonly ledger: CallLedger,
    private readonly client: SinchVoiceClient,
    private readonly followUps: CallFollowUps,
    private readonly metrics: CallMetrics,
  ) {}

  async reconcileDue(): Promise<{ checked: number; finalised: number }> {
    const { answeredAfterS, unansweredAfterS } = this.config.reconciler;
    // A call found still going is asked about again only after another unanswered period.
    const candidates: Candidate[] = await this.dataSource.query(
      `SELECT id, sinch_call_id FROM calls
       WHERE final_source IS NULL AND sinch_call_id IS NOT NULL AND state NOT IN (${SQL_FINAL_STATES})
         AND CASE WHEN answered_at IS NOT NULL THEN answered_at < now() - make_interval(secs => $1)
                  ELSE coalesce(initiated_at, created_at) < now() - make_interval(secs => $2) END
         AND (reconcile_checked_at IS NULL OR reconcile_checked_at < now() - make_interval(secs => $2))
       ORDER BY created_at LIMIT ${BATCH}`,
      [answeredAfterS, unansweredAfterS],
    );
    let finalised = 0;
    for (let i = 0; i < candidates.length; i += CONCURRENCY) {
      const results = await Promise.all(candidates.slice(i, i + CONCURRENCY).map((c) => this.reconcileOne(c)));
      finalised += results.filter(Boolean).length;
    }
    if (candidates.length > 0) this.logger.log(`Reconciled ${finalised} of ${candidates.length} calls without a final state`);
    return { checked: candidates.length, finalised };
  }

  private async reconcileOne(candidate: Candidate): Promise<boolean> {
    let info;
    try {
      info = await this.client.getCall(candidate.sinch_call_id);
    } catch (error) {
      const notFound = error instanceof SinchApiError && error.status === 404;
      this.metrics.reconciled.inc({ outcome: notFound ? 'not_found' : 'error' });
      this.logger.warn({ err: error, callId: candidate.id }, notFound ? 'Sinch does not know this call' : 'Could not ask Sinch about a call');
      // Unknown to Sinch: asked again only after another period; a transport error: next tick.
      if (notFound) await this.calls.markReconcileChecked(candidate.id);
      return false;
    }
    if ((info.status ?? '').toUpperCase() !== 'FINAL') {
      this.metrics.reconciled.inc({ outcome: 'ongoing' });
      await this.calls.markReconcileChecked(candidate.id);
      return false;
    }
    const state = finalStateFor(info.result, info.reason);
    // The DiCE's path: the event (payload: Sinch's answer) and the call's final state and billing in one statement.
    const [{ finalised, eventId }] = await this.ledger.record([
      {
        dedupeKey: `reconciled:${candidate.id}`,
        kind: 'reconciled',
        sinchCallId: candidate.sinch_call_id,
        ourCallId: candidate.id,
        eventAt: info.timestamp,
        receivedAt: new Date(),
        payload: info.raw,
        via: 'reconciler',
        needsFollowUp: true,
        final: { state, result: info.result, reason: info.reason, durationS: info.duration, debit: info.debit, rate: info.userRate },
      },
    ]);
    if (!finalised || !eventId) {
      // A DiCE got there first: its follow-ups run, not these.
      if (eventId) await this.ledger.markProcessed([eventId]);
      return false;
    }
    this.metrics.reconciled.inc({ outcome: 'finalised' });
    this.metrics.finalised.inc({ state, source: 'reconciled' });
    await this.followUps.run(eventId, diceFromCallInformation(info, candidate.sinch_call_id), {
      callId: candidate.id,
      finalised: true,
      source: 'reconciled',
    });
    return true;
  }
}
