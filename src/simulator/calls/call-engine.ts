import { computeDebit, formatMoney, type RateTable } from 'src/simulator/calls/billing';
import { diceBody } from 'src/simulator/calls/callback-bodies';
import type { CallbackSender, Delivery } from 'src/simulator/calls/callback-sender';
import { FLOWS } from 'src/simulator/calls/call-flows';
import { CallSession, SimAborted } from 'src/simulator/calls/call-session';
import { errorResult, stopRecordings } from 'src/simulator/calls/call-steps';
import type { ConferenceRooms } from 'src/simulator/calls/conference-rooms';
import type { EventLog } from 'src/simulator/event-log';
import type { Faults } from 'src/simulator/faults';
import type { FlowContext } from 'src/simulator/calls/flow-context';
import type { OutcomeRules } from 'src/simulator/outcome-rules';
import type { SeededStreams } from 'src/simulator/prng';
import type { Scheduler } from 'src/simulator/sim-clock';
import { callNotFoundError, conflictError } from 'src/simulator/http/sim-errors';
import type { CallOrigin, CallReason, CallResult, CallbackTarget, CalloutDetails, Endpoint, ResolvedOptions, SimCall } from 'src/simulator/simulator.types';
import type { Svaml } from 'src/sinch/svaml/svaml.types';

const MAX_CALLS = 20_000;

export interface NewCall {
  origin: CallOrigin;
  cli: string;
  to: Endpoint;
  domain: 'pstn' | 'mxp';
  custom?: string;
  locale?: string;
  details: CalloutDetails;
  callbacks: SimCall['callbacks'];
  talkTimeS?: number;
  patienceS?: number;
}

export interface CallbackUrls {
  primary?: string;
  fallback?: string;
}

export interface EngineDeps {
  options: ResolvedOptions;
  scheduler: Scheduler;
  events: EventLog;
  rules: OutcomeRules;
  rates: RateTable;
  rooms: ConferenceRooms;
  faults: Faults;
  sender: CallbackSender;
  streams: SeededStreams;
  callbackUrls: () => CallbackUrls;
}

// Owns every simulated call: starts its flow, delivers its callbacks, ends and bills it. Each call's flow is
// one async function; outside events reach it only through its session (interrupts, DTMF).
export class CallEngine implements FlowContext {
  readonly options: ResolvedOptions;
  readonly rules: OutcomeRules;
  readonly rates: RateTable;
  readonly rooms: ConferenceRooms;
  private readonly sessions = new Map<string, CallSession>();
  private readonly running = new Set<Promise<void>>();
  private url = '';

  constructor(private readonly deps: EngineDeps) {
    this.options = deps.options;
    this.rules = deps.rules;
    this.rates = deps.rates;
    this.rooms = deps.rooms;
  }

  recordingFaults(): { failUpload: boolean; dropAvailable: boolean } {
    return this.deps.faults.recording;
  }

  setBaseUrl(url: string): void {
    this.url = url;
  }

  baseUrl(): string {
    return this.url;
  }

  start(init: NewCall): SimCall {
    const callId = this.deps.streams.callId();
    const call: SimCall = {
      callId,
      ...init,
      locale: init.locale ?? 'en-US',
      phase: 'initiated',
      result: 'N/A',
      reason: 'N/A',
      createdAt: new Date(),
      billedNumber: init.to.endpoint,
      rate: this.rates.rateFor(init.to.endpoint),
      debitMicro: 0n,
      talkTimeS: init.talkTimeS ?? this.options.talkTimeS,
      parked: false,
      cookies: {},
      recordings: [],
      history: [],
    };
    const session = new CallSession(call, this.deps.scheduler);
    this.sessions.set(callId, session);
    this.forgetOldCalls();
    this.note(session, 'created', { origin: init.origin, from: init.cli, to: init.to.endpoint });
    const run = this.run(session);
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return call;
  }

  private async run(s: CallSession): Promise<void> {
    try {
      await FLOWS[s.call.origin](this, s);
    } catch (error) {
      if (error instanceof SimAborted) return;
      this.note(s, 'internal error', { message: error instanceof Error ? error.message : String(error) });
      await this.finish(s, errorResult(s), 'GENERALERROR').catch(() => undefined);
    }
  }

  // A long-running simulator keeps the latest ended calls for GET, not all of them (Map order = oldest first).
  private forgetOldCalls(): void {
    if (this.sessions.size <= MAX_CALLS) return;
    for (const [callId, s] of this.sessions) {
      if (this.sessions.size <= MAX_CALLS) break;
      if (s.call.phase === 'ended') this.sessions.delete(callId);
    }
  }

  get(callId: string): CallSession | undefined {
    return this.sessions.get(callId);
  }

  all(): CallSession[] {
    return [...this.sessions.values()];
  }

  private live(callId: string, notFound: (m: string) => Error = () => callNotFoundError(callId)): CallSession {
    const s = this.sessions.get(callId);
    if (!s) throw notFound(`Call ${callId} not found`);
    if (s.call.phase === 'ended') throw conflictError(`Call ${callId} has ended`);
    return s;
  }

  // ManageCall (PATCH): runs on the live call; before the answer only a hangup is accepted.
  manage(callId: string, doc: Svaml): void {
    const s = this.live(callId);
    const isHangup = doc.action?.name.toLowerCase() === 'hangup';
    if (s.call.answeredAtSimMs === undefined && !isHangup) {
      throw conflictError(`Call ${callId} is not answered yet; only a hangup action can be applied`);
    }
    this.note(s, 'manage call', { action: doc.action?.name ?? null });
    s.interrupt({ kind: 'svaml', doc });
  }

  kick(callId: string): void {
    const s = this.live(callId);
    // Leaves the room at once so the REST API reflects the kick before the flow gets to it.
    this.rooms.leave(callId);
    s.interrupt({ kind: 'kick' });
  }

  remoteHangup(callId: string, notFound: (m: string) => Error): void {
    const s = this.live(callId, notFound);
    this.note(s, 'far end hangs up');
    s.interrupt({ kind: 'hangup' });
  }

  dtmf(callId: string, digits: string, notFound: (m: string) => Error): void {
    const s = this.live(callId, notFound);
    this.note(s, 'dtmf received', { digits });
    s.pushDtmf(digits);
  }

  note(s: CallSession, what: string, extra: Record<string, unknown> = {}): void {
    const simS = Math.round(s.nowSimMs / 100) / 10;
    s.call.history.push({ at: new Date().toISOString(), simS, what });
    this.deps.events.add('call', { callId: s.call.callId, event: what, simS, ...extra });
  }

  async deliver(s: CallSession, event: string, target: CallbackTarget, body: object): Promise<Delivery | undefined> {
    if (target.kind === 'none' || target.kind === 'inline') return undefined;
    const configured = this.deps.callbackUrls();
    const urls = target.kind === 'url' ? [target.url] : [configured.primary, configured.fallback];
    const candidates = urls.filter((u): u is string => typeof u === 'string' && u.length > 0);
    if (candidates.length === 0) return undefined;
    const callId = s.call.callId;
    if (this.deps.faults.dropCallback(event)) {
      this.deps.events.add('callback', { callId, event, url: candidates[0], request: body, ok: false, error: 'dropped' });
      return { ok: false, error: 'timeout', message: 'dropped by fault injection', ms: 0 };
    }
    let delivery: Delivery | undefined;
    // The fallback URL is only tried when the primary errs or times out (OpenAPI callbacks.url.fallback).
    for (const url of candidates) {
      delivery = await this.deps.sender.post(url, body, s.abortController.signal);
      const response = parseJson(delivery.body);
      this.deps.events.add('callback', {
        callId,
        event,
        url,
        request: body,
        ok: delivery.ok,
        status: delivery.status ?? null,
        response,
        ms: delivery.ms,
        ...(delivery.ok ? {} : { error: delivery.error, message: delivery.message }),
      });
      if (delivery.ok || delivery.error === 'aborted') break;
    }
    if (s.isAborted) throw new SimAborted();
    return delivery;
  }

  async finish(s: CallSession, result: CallResult, reason: CallReason): Promise<void> {
    const c = s.call;
    if (c.phase === 'ended') return;
    if (c.answeredAtSimMs !== undefined) {
      c.durationS = Math.max(0, Math.round((s.nowSimMs - c.answeredAtSimMs) / 1000));
      c.debitMicro = computeDebit(c.rate.perMinuteMicro, c.durationS, this.options.billingIncrementS);
    }
    c.phase = 'ended';
    c.result = result;
    c.reason = reason;
    c.endedAt = new Date();
    c.parked = false;
    c.inMenu = undefined;
    this.rooms.leave(c.callId);
    this.note(s, 'ended', { result, reason, durationS: c.durationS ?? null, debit: formatMoney(c.debitMicro) });
    await stopRecordings(this, s);
    if (c.callbacks.dice) await this.deliver(s, 'dice', { kind: 'app' }, diceBody(c, this.options.applicationKey, this.options.currency));
  }

  // Reset and close: every flow is aborted (no further callbacks) and awaited, so nothing runs on afterwards.
  async abortAll(): Promise<void> {
    for (const s of this.sessions.values()) s.abort();
    await Promise.allSettled([...this.running]);
    this.sessions.clear();
  }
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, 500);
  }
}
