import { SimAborted, type CallSession, type Interrupt } from 'src/simulator/calls/call-session';
import { notifyBody } from 'src/simulator/calls/callback-bodies';
import type { FlowContext } from 'src/simulator/calls/flow-context';
import type { CallReason, CallResult, CallbackEvent } from 'src/simulator/simulator.types';
import { validateSvaml } from 'src/sinch/svaml/svaml.validator';
import type { StartRecordingOptions, Svaml } from 'src/sinch/svaml/svaml.types';
import { audioFor, uploadRecording } from 'src/simulator/calls/recording-files';

// Returned by steps that ended the call themselves; the caller just returns.
export const ENDED = Symbol('call ended');

export const isAnswered = (s: CallSession): boolean => s.call.answeredAtSimMs !== undefined;

// The result a call ends with when our side stops it (hangup action, timeouts) or an error does.
export const hangupResult = (s: CallSession): CallResult => (isAnswered(s) ? 'ANSWERED' : 'N/A');
export const errorResult = (s: CallSession): CallResult => (isAnswered(s) ? 'ANSWERED' : 'FAILED');

// The control API's "far end hangs up": the caller of an inbound call, the callee of a callout.
export const remoteHangupReason = (s: CallSession): CallReason => (s.call.origin === 'inbound' ? 'CALLERHANGUP' : 'CALLEEHANGUP');

// Who ends a call when its talk time runs out: the callee once a leg is connected, else an inbound caller.
export const talkEndReason = (s: CallSession): CallReason =>
  s.call.origin === 'inbound' && s.call.connectedTo === undefined ? 'CALLERHANGUP' : 'CALLEEHANGUP';

export function answer(ctx: FlowContext, s: CallSession): void {
  const c = s.call;
  if (isAnswered(s)) return;
  c.phase = 'answered';
  c.answeredAt = new Date();
  c.answeredAtSimMs = s.nowSimMs;
  ctx.note(s, 'answered', c.amd ? { amd: c.amd } : {});
}

// Ends the call for an interrupt that leaves nothing to resume (far-end hangup, kick, maxDuration).
export function finishFor(ctx: FlowContext, s: CallSession, interrupt: Interrupt): Promise<void> {
  if (interrupt.kind === 'hangup') {
    return ctx.finish(s, isAnswered(s) ? 'ANSWERED' : 'NOANSWER', remoteHangupReason(s));
  }
  if (interrupt.kind === 'limit') return ctx.finish(s, hangupResult(s), 'TIMEOUT');
  return ctx.finish(s, hangupResult(s), 'MANAGERHANGUP');
}

async function notifyCallingError(ctx: FlowContext, s: CallSession, message: string): Promise<void> {
  const body = notifyBody(s.call, ctx.options.applicationKey, 'callingerror', { errorCode: 40001, errorMsg: message });
  await ctx.deliver(s, 'notify', { kind: 'app' }, body);
}

export async function rejectSvaml(ctx: FlowContext, s: CallSession, message: string, detail: unknown): Promise<void> {
  ctx.note(s, 'invalid svaml', { message, detail });
  await notifyCallingError(ctx, s, `Illegal SVAML: ${message}`);
  await ctx.finish(s, errorResult(s), 'INVALIDSVAMLACTION');
}

// Asks for the SVAML of an ICE / ACE / PIE: inline SVAML from a custom callout, or a signed callback whose
// answer is validated like Sinch does. undefined: no callback to make (the flow applies its default).
export async function askSvaml(ctx: FlowContext, s: CallSession, event: CallbackEvent, body: object): Promise<Svaml | undefined | typeof ENDED> {
  const target = s.call.callbacks[event];
  if (target.kind === 'none') return undefined;
  if (target.kind === 'inline') {
    ctx.note(s, `${event} answered by inline SVAML`);
    return target.doc;
  }
  const delivery = await ctx.deliver(s, event, target, body);
  if (s.isAborted) throw new SimAborted();
  const terminal = s.takeTerminalInterrupt();
  if (terminal) {
    await finishFor(ctx, s, terminal);
    return ENDED;
  }
  if (delivery === undefined) return undefined;
  if (!delivery.ok) {
    await ctx.finish(s, errorResult(s), 'CALLBACKERROR');
    return ENDED;
  }
  let doc: unknown = {};
  if (delivery.body.trim() !== '') {
    try {
      doc = JSON.parse(delivery.body);
    } catch {
      await rejectSvaml(ctx, s, `${event} response is not JSON`, delivery.body.slice(0, 200));
      return ENDED;
    }
  }
  const violations = validateSvaml(doc, event);
  if (violations.length > 0) {
    await rejectSvaml(ctx, s, violations.map((v) => v.message).join('; '), violations);
    return ENDED;
  }
  return doc as Svaml;
}

export interface RingOptions {
  amd?: boolean;
  dialTimeoutS?: number;
  dtmf?: string;
}

// Rings `number` and applies its outcome rule. true: answered (the flow continues); false: the call ended or
// was taken over by an interrupt, which this step already handled.
export async function ring(ctx: FlowContext, s: CallSession, number: string, opts: RingOptions, onSvaml: (doc: Svaml) => Promise<void>): Promise<boolean> {
  const c = s.call;
  const resolved = ctx.rules.resolve(number, opts.dialTimeoutS);
  const wasAnswered = isAnswered(s);
  c.billedNumber = number;
  c.rate = ctx.rates.rateFor(number);
  c.talkTimeS = resolved.talkTimeS;
  if (!wasAnswered) c.phase = 'ringing';
  ctx.note(s, 'ringing', { number, outcome: resolved.outcome, rule: resolved.rule, ringTimeS: resolved.ringTimeS });

  const wake = await s.wait(resolved.ringTimeS * 1000);
  if (wake.kind === 'svaml') {
    // ManageCall only accepts a hangup before the answer; a parked caller being connected may get anything.
    const isHangup = wake.doc.action?.name.toLowerCase() === 'hangup';
    if (isHangup && !wasAnswered) await ctx.finish(s, 'N/A', 'CANCEL');
    else await onSvaml(wake.doc);
    return false;
  }
  if (wake.kind !== 'elapsed' && wake.kind !== 'dtmf') {
    await finishFor(ctx, s, wake);
    return false;
  }
  const failed: Record<string, [CallResult, CallReason]> = {
    busy: ['BUSY', 'N/A'],
    noanswer: ['NOANSWER', 'TIMEOUT'],
    failed: ['FAILED', 'GENERALERROR'],
  };
  const failure = failed[resolved.outcome];
  if (failure) {
    await ctx.finish(s, wasAnswered ? 'ANSWERED' : failure[0], failure[1]);
    return false;
  }
  if (opts.amd) {
    c.amd = resolved.outcome === 'machine' ? { status: 'machine', reason: 'longgreeting', duration: 4 } : { status: 'human', reason: 'n/a', duration: 2 };
  }
  answer(ctx, s);
  if (wasAnswered) ctx.note(s, 'connected', { number });
  if (opts.dtmf) ctx.note(s, 'dtmf sent', { dtmf: opts.dtmf });
  return true;
}

export function startRecording(ctx: FlowContext, s: CallSession, options: StartRecordingOptions | undefined): void {
  const c = s.call;
  // Sinch records one thing at a time: a second start while recording is ignored.
  if (c.recordings.some((r) => r.stoppedAtSimMs === undefined)) {
    ctx.note(s, 'recording already started');
    return;
  }
  const index = c.recordings.length + 1;
  const format = options?.format === 'wav' ? 'wav' : 'mp3';
  const target = options?.destinationUrl ?? options?.destination ?? 's3://sinch-simulator-recordings/';
  const destination = `${target.endsWith('/') ? target : `${target}/`}${c.callId}-${index}.${format}`;
  const transcription = options?.transcriptionOptions?.enabled === true ? { locale: options.transcriptionOptions.locale ?? c.locale } : undefined;
  c.recordings.push({
    index,
    startedAtSimMs: s.nowSimMs,
    destination,
    format,
    notify: options?.notificationEvents !== false,
    ...(options?.credentials ? { credentials: options.credentials } : {}),
    ...(transcription ? { transcription } : {}),
  });
  ctx.note(s, 'recording started', { index, destination });
}

// Stops what records, writes the file of the recorded length where it was asked to go, then reports it the
// way Sinch does: recording_finished, recording_available (destination), transcription_available.
export async function stopRecordings(ctx: FlowContext, s: CallSession): Promise<void> {
  for (const rec of s.call.recordings.filter((r) => r.stoppedAtSimMs === undefined)) {
    rec.stoppedAtSimMs = s.nowSimMs;
    ctx.note(s, 'recording stopped', { index: rec.index });
    const faults = ctx.recordingFaults();
    const seconds = Math.max(0.5, (rec.stoppedAtSimMs - rec.startedAtSimMs) / 1000);
    const s3 = { endpoint: ctx.options.recordingsS3Endpoint, credentials: rec.credentials };
    if (!faults.failUpload) {
      try {
        const type = rec.format === 'wav' ? 'audio/wav' : 'audio/mpeg';
        rec.written = await uploadRecording(rec.destination, audioFor(rec.format, seconds), type, s3);
        if (rec.written && rec.transcription) {
          const transcript = JSON.stringify({
            locale: rec.transcription.locale,
            text: `Simulated transcript of recording ${rec.index} of call ${s.call.callId}.`,
          });
          await uploadRecording(transcriptDestination(rec.destination), transcript, 'application/json', s3);
        }
      } catch (error) {
        rec.written = false;
        ctx.note(s, 'recording upload failed', { index: rec.index, error: error instanceof Error ? error.message : String(error) });
      }
    } else {
      rec.written = false;
      ctx.note(s, 'recording upload failed', { index: rec.index, fault: true });
    }
    if (!rec.notify) continue;
    const key = ctx.options.applicationKey;
    await ctx.deliver(s, 'notify', { kind: 'app' }, notifyBody(s.call, key, 'recording_finished'));
    if (faults.dropAvailable) continue;
    await ctx.deliver(s, 'notify', { kind: 'app' }, notifyBody(s.call, key, 'recording_available', { destination: rec.destination }));
    if (rec.transcription && rec.written) {
      await ctx.deliver(
        s,
        'notify',
        { kind: 'app' },
        notifyBody(s.call, key, 'transcription_available', { destination: transcriptDestination(rec.destination) }),
      );
    }
  }
}

// README: the transcript's destination names `...-transcript.json`.
function transcriptDestination(destination: string): string {
  return destination.replace(/\.[a-z0-9]+$/, '') + '-transcript.json';
}
