import { Injectable, Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { FailedAuthLimiter } from 'src/auth/failed-auth-limiter.service';
import { toLedgerEntry } from 'src/callbacks/inbox/callback-entry';
import { CallbackHandlers, type AnswerContext, type AnswerEvent } from 'src/calls/handlers/callback-handlers.service';
import { CallbackMetrics } from 'src/callbacks/callback-metrics.service';
import { buildDefaultAnswers, type DefaultAnswers } from 'src/callbacks/default-answers';
import { EventInbox, type StoreResult } from 'src/callbacks/inbox/event-inbox.service';
import { decodeCallCustom } from 'src/calls/call-custom';
import { CallFollowUps } from 'src/calls/ledger/call-follow-ups.service';
import type { LedgerEntry, LedgerOutcome } from 'src/calls/ledger/call-ledger.service';
import { CallMetrics } from 'src/calls/call-metrics.service';
import { AppError } from 'src/common/app-error';
import { AppConfig } from 'src/config/app-config';
import { CallbackParseError, parseCallbackEvent, type CallbackEvent } from 'src/sinch/callback-events';
import { verifySignedRequest } from 'src/sinch/signing';
import { SinchCredentials, SinchWebhook } from 'src/sinch/sinch.module';
import { recordingDefaults, withRecordingDefaults, type RecordingDefaults } from 'src/sinch/svaml/recording-defaults';
import type { Svaml } from 'src/sinch/svaml/svaml.types';
import { CallbacksError } from 'src/callbacks/callbacks.errors';

export interface IncomingCallback {
  // The client address: failed signatures are limited per address.
  ip: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer | undefined;
  // The same bytes as parsed by Fastify's JSON parser: the signature is checked over rawBody, this is not re-parsed.
  body: unknown;
}

// The webhook's work: verify Sinch's signature over the raw bytes, parse, decide the answer from memory, make the
// event durable (Postgres, else Redis), answer; DiCE / Notify follow-ups run after the answer. Nothing is stored for
// a request that fails verification or parsing.
@Injectable()
export class CallbackIntake {
  private readonly logger = new Logger('CallbackIntake');
  private readonly defaults: DefaultAnswers;
  private readonly recording: RecordingDefaults;

  constructor(
    private readonly config: AppConfig,
    private readonly credentials: SinchCredentials,
    private readonly webhook: SinchWebhook,
    private readonly handlers: CallbackHandlers,
    private readonly inbox: EventInbox,
    private readonly followUps: CallFollowUps,
    private readonly metrics: CallbackMetrics,
    private readonly callMetrics: CallMetrics,
    private readonly failedAuth: FailedAuthLimiter,
  ) {
    this.defaults = buildDefaultAnswers(config.callbacks.defaultIceMessage);
    this.recording = recordingDefaults(config);
  }

  async handle(request: IncomingCallback): Promise<Svaml | undefined> {
    const started = performance.now();
    let kind = 'unknown';
    try {
      const rawBody = request.rawBody ?? Buffer.alloc(0);
      const verdict = verifySignedRequest({
        method: request.method,
        path: this.webhook.signedPath,
        headers: request.headers,
        rawBody,
        credentials: this.credentials.all,
        maxSkewSeconds: this.config.sinch.callbackMaxSkewS,
      });
      if (!verdict.ok) {
        this.metrics.count(kind, 'rejected_signature');
        // Verifying is cheap, so a valid signature is never refused; past the limit a bad one is answered 429.
        await this.failedAuth.recordFailure(request.ip);
        throw new CallbacksError('callback_signature_rejected', `Callback signature rejected: ${verdict.message}`);
      }
      const event = this.parse(request.body);
      kind = event.event;
      const receivedAt = new Date();
      const { answer, route } = this.answerFor(event, receivedAt);
      const entry = toLedgerEntry(event, receivedAt, 'webhook', this.needsFollowUp(event));
      if (entry.inbound && route) entry.inbound.route = route;
      const result = await this.inbox.accept(entry, rawBody.toString('utf8'));
      if (result.stored === 'redis') {
        this.metrics.count(kind, 'deferred');
      } else if (result.stored === 'dead_letter') {
        // Acknowledged: it is kept (callback_dead_letters), counted and logged at error; Sinch re-sending it would not help.
        this.metrics.count(kind, 'dead_lettered');
      } else {
        this.metrics.count(kind, result.outcome.inserted ? 'accepted' : 'duplicate');
        await this.afterRecord(event, entry, result.outcome);
      }
      return answer;
    } catch (error) {
      if (error instanceof AppError && error.kind === 'unavailable') this.metrics.count(kind, 'unavailable');
      throw error;
    } finally {
      this.metrics.observe(kind, (performance.now() - started) / 1000);
    }
  }

  // The worker's path for an event that waited in Redis: same checks, record and follow-ups, no answer to give.
  async replay(body: string, receivedAt: Date): Promise<StoreResult> {
    let event: CallbackEvent;
    try {
      event = parseCallbackEvent(JSON.parse(body));
    } catch (error) {
      // It was parsed once when accepted; failing now is a code change, and retrying will not help.
      if (!(error instanceof SyntaxError || error instanceof CallbackParseError)) throw error;
      return { stored: 'dead_letter', id: await this.inbox.deadLetterRaw(body, receivedAt, `no longer parses: ${error.message}`) };
    }
    const entry = toLedgerEntry(event, receivedAt, 'redis', this.needsFollowUp(event));
    const result = await this.inbox.recordNow(entry, body);
    if (result.stored === 'postgres') await this.afterRecord(event, entry, result.outcome);
    return result;
  }

  // Keeps a deferred body the worker gave up on.
  deadLetter(body: string, receivedAt: Date, reason: string): Promise<string> {
    return this.inbox.deadLetterRaw(body, receivedAt, reason);
  }

  private parse(body: unknown): CallbackEvent {
    if (body === undefined || body === null) {
      this.metrics.count('unknown', 'invalid');
      throw new CallbacksError('invalid_callback', 'Callback body must be a JSON object', [
        { field: 'body', rule: 'json', message: 'Callback body must be a JSON object' },
      ]);
    }
    try {
      return parseCallbackEvent(body);
    } catch (error) {
      if (!(error instanceof CallbackParseError)) throw error;
      // Signed by Sinch yet not understood: a contract change worth a log line; it is not stored (see the docs).
      this.metrics.count('unknown', 'invalid');
      this.logger.warn({ field: error.field, message: error.message }, 'Signed callback could not be parsed');
      const field = error.field ?? 'body';
      throw new CallbacksError('invalid_callback', `Invalid callback: ${error.message}`, [{ field, rule: 'callback', message: error.message }]);
    }
  }

  private answerFor(event: CallbackEvent, receivedAt: Date): { answer?: Svaml; route?: string } {
    if (event.event !== 'ice' && event.event !== 'ace' && event.event !== 'pie') return {};
    const custom = decodeCallCustom(event.custom);
    const ctx: AnswerContext = { callId: custom?.callId, custom, receivedAt };
    const claimed = this.handlers.answer(event as AnswerEvent, ctx);
    return claimed ? { answer: withRecordingDefaults(claimed, this.recording), route: ctx.route } : { answer: this.defaults[event.event] };
  }

  private needsFollowUp(event: CallbackEvent): boolean {
    return (event.event === 'dice' || event.event === 'notify') && this.handlers.hasFollowUps(event.event);
  }

  private async afterRecord(event: CallbackEvent, entry: LedgerEntry, outcome: LedgerOutcome): Promise<void> {
    if (!outcome.inserted) return;
    if (outcome.finalised && entry.final) this.callMetrics.finalised.inc({ state: entry.final.state, source: 'dice' });
    if (!entry.needsFollowUp || !outcome.eventId || (event.event !== 'dice' && event.event !== 'notify')) return;
    // The event is durable: its consequences run after the 200 (bounded; pending ones are retried by the sweeper).
    await this.followUps.schedule(outcome.eventId, event, {
      callId: outcome.callId,
      finalised: outcome.finalised,
      source: event.event,
    });
  }
}
