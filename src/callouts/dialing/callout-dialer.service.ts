import { Injectable } from '@nestjs/common';
import type { Call } from 'src/calls/call.entity';
import { encodeCallCustom } from 'src/calls/call-custom';
import { CallsService } from 'src/calls/calls.service';
import { AppConfig } from 'src/config/app-config';
import { SinchVoiceClient } from 'src/sinch/voice-client';
import type { CalloutResponse } from 'src/sinch/voice-client.types';
import { CalloutMetrics } from 'src/callouts/callout-metrics.service';
import { ComplianceService } from 'src/compliance/compliance.service';
import { readStoredCallout, STAFF_KEY, type CalloutMethod, type CalloutRequests, type SinchCallout } from 'src/callouts/stored-callout';
import { classifyCalloutFailure, retryDelayMs, type DialError } from './callout-failure';

// `attempt`: the number of this request to Sinch for the call (dial_attempts), when one was sent.
export type DialResult =
  | { outcome: 'placed'; sinchCallId: string; attempt: number }
  // Nothing to do: no such row, already placed or final, another worker won the race.
  | { outcome: 'skipped'; reason: 'missing' | 'not_queued' | 'raced' }
  // A dial was started earlier and never resolved (a worker died mid-request): never dial again.
  | { outcome: 'in_doubt'; reason: 'recovered' | 'ambiguous'; error?: DialError; attempt?: number }
  | { outcome: 'failed'; error: DialError; reason: 'rejected' | 'exhausted' | 'refused'; attempt?: number }
  | { outcome: 'retry'; error: DialError; delayMs: number; rateLimited: boolean; attempt: number };

// Places one queued call, at most once. The in-flight marker (dial_started_at) is set before the request leaves and
// cleared only when Sinch's answer proves the call was not placed (429, a 5xx with Sinch's error body, or no
// connection at all). Anything else leaves it set, and a marked row is never dialled again: the DiCE (which finds
// the row through our id in `custom`) or the sweep settles it.
@Injectable()
export class CalloutDialer {
  // The client method of each stored callout: the union's `method` picks its sender, typed end to end.
  private readonly senders: { [M in CalloutMethod]: (request: CalloutRequests[M] & { custom: string }) => Promise<CalloutResponse> } = {
    ttsCallout: (request) => this.sinch.ttsCallout(request),
    conferenceCallout: (request) => this.sinch.conferenceCallout(request),
    customCallout: (request) => this.sinch.customCallout(request),
  };

  constructor(
    private readonly calls: CallsService,
    private readonly sinch: SinchVoiceClient,
    private readonly config: AppConfig,
    private readonly metrics: CalloutMetrics,
    private readonly compliance: ComplianceService,
  ) {}

  async dial(callId: string): Promise<DialResult> {
    const call = await this.calls.findById(callId);
    if (!call) return { outcome: 'skipped', reason: 'missing' };
    if (call.state !== 'queued' || call.sinchCallId !== null) return { outcome: 'skipped', reason: 'not_queued' };
    if (call.dialStartedAt !== null) {
      this.metrics.inDoubt.inc();
      return { outcome: 'in_doubt', reason: 'recovered' };
    }
    let send: () => Promise<CalloutResponse>;
    try {
      send = this.prepare(call);
    } catch (err) {
      // Nothing left: a row this service cannot dial (written by an older version, say) fails, it does not loop.
      const error = { errorCode: null, errorMessage: `Cannot dial: ${err instanceof Error ? err.message : String(err)}` };
      await this.fail(call, error, 'rejected');
      return { outcome: 'failed', error, reason: 'rejected' };
    }
    // Checked again right before dialling: a number put on a do-not-call list (or capped) after the call was
    // queued is not called; the refusal is recorded on the row.
    const staff = readStoredCallout(call.request).customExtra?.[STAFF_KEY] === true;
    const refusal = call.toNumber && !staff ? await this.compliance.check(call.toNumber, { campaignId: call.campaignId, queuedAt: call.createdAt }) : null;
    if (refusal) {
      const error = { errorCode: null, errorMessage: `Not dialled (${refusal.rule}): ${refusal.message}` };
      await this.fail(call, error, 'refused');
      return { outcome: 'failed', error, reason: 'refused' };
    }
    if (!(await this.calls.markDialStarted(callId))) return { outcome: 'skipped', reason: 'raced' };
    const attempt = call.dialAttempts + 1;

    let response: CalloutResponse;
    try {
      this.metrics.recordSent();
      response = await send();
    } catch (err) {
      return this.onFailure(call, attempt, err);
    }
    await this.calls.markInitiated(callId, response.callId);
    this.metrics.placed.inc({ type: call.kind });
    return { outcome: 'placed', sinchCallId: response.callId, attempt };
  }

  // Everything that can fail without Sinch (reading the stored request, encoding custom) fails here, before the
  // in-flight marker is set, so such an error can never be mistaken for an ambiguous dial.
  private prepare(call: Call): () => Promise<CalloutResponse> {
    if (call.direction !== 'outbound') throw new Error('an inbound call has nothing to dial');
    const stored = readStoredCallout(call.request);
    const custom = encodeCallCustom(call.id, stored.customExtra);
    return () => this.send(stored, custom);
  }

  private send<M extends CalloutMethod>(callout: SinchCallout<M>, custom: string): Promise<CalloutResponse> {
    const sender: (request: CalloutRequests[M] & { custom: string }) => Promise<CalloutResponse> = this.senders[callout.method];
    return sender({ ...callout.request, custom });
  }

  private async onFailure(call: Call, attempt: number, err: unknown): Promise<DialResult> {
    const failure = classifyCalloutFailure(err);
    switch (failure.kind) {
      case 'ambiguous':
        this.metrics.inDoubt.inc();
        await this.calls.recordDialError(call.id, { errorCode: failure.error.errorCode ?? undefined, errorMessage: failure.error.errorMessage });
        return { outcome: 'in_doubt', reason: 'ambiguous', error: failure.error, attempt };
      case 'final':
        await this.fail(call, failure.error, 'rejected');
        return { outcome: 'failed', error: failure.error, reason: 'rejected', attempt };
      case 'rate_limited':
      case 'retryable': {
        if (attempt >= this.config.callouts.maxAttempts) {
          const error = { ...failure.error, errorMessage: `Gave up after ${attempt} attempts; last: ${failure.error.errorMessage}` };
          await this.fail(call, error, 'exhausted');
          return { outcome: 'failed', error, reason: 'exhausted', attempt };
        }
        // Sinch said no: the marker goes, the error stays on the row so the attempts are visible.
        await this.calls.clearDialStarted(call.id, { errorCode: failure.error.errorCode ?? undefined, errorMessage: failure.error.errorMessage });
        const { retryBaseMs: baseMs, retryMaxMs: maxMs } = this.config.callouts;
        const delayMs = retryDelayMs(attempt, { baseMs, maxMs }, failure.retryAfterMs);
        this.metrics.retries.inc({ reason: failure.kind });
        return { outcome: 'retry', error: failure.error, delayMs, rateLimited: failure.kind === 'rate_limited', attempt };
      }
    }
  }

  private async fail(call: Call, error: DialError, reason: 'rejected' | 'exhausted' | 'refused'): Promise<void> {
    await this.calls.markFailed(call.id, { errorCode: error.errorCode ?? undefined, errorMessage: error.errorMessage });
    this.metrics.recordFailed(error.errorCode, reason);
  }
}
