import type { CallSession, Wake } from 'src/simulator/calls/call-session';
import { aceBody, pieBody, type MenuResult } from 'src/simulator/calls/callback-bodies';
import {
  ENDED,
  answer,
  askSvaml,
  errorResult,
  finishFor,
  hangupResult,
  ring,
  startRecording,
  stopRecordings,
  talkEndReason,
} from 'src/simulator/calls/call-steps';
import type { FlowContext } from 'src/simulator/calls/flow-context';
import { playMenu } from 'src/simulator/calls/menu-runner';
import { dtmfMs, filesMs, promptMs, speechMs } from 'src/simulator/calls/prompts';
import type {
  ConnectConfAction,
  ConnectPstnAction,
  ParkAction,
  RunMenuAction,
  Svaml,
  SvamlAction,
  SvamlContext,
  SvamlInstruction,
} from 'src/sinch/svaml/svaml.types';

// What happens after the current SVAML when its action is `continue` (or it has none): play the TTS text of a
// ttsCallout, join the room of a conferenceCallout, go on talking after a ManageCall PATCH, ...
export type Continuation = () => Promise<void>;

const ELAPSED: Wake = { kind: 'elapsed' };

// Sinch's own examples spell names in several cases ("ConnectConf", "connectPSTN", "RunMenu").
const nameOf = (node: { name: string } | undefined): string | undefined => node?.name.toLowerCase();

export async function runSvaml(ctx: FlowContext, s: CallSession, doc: Svaml, context: SvamlContext, next?: Continuation): Promise<void> {
  for (const instruction of doc.instructions ?? []) {
    const wake = await runInstruction(ctx, s, instruction);
    if (wake.kind !== 'elapsed') return onInterrupt(ctx, s, wake, next ?? (() => idle(ctx, s)));
  }
  return runAction(ctx, s, doc.action, context, next);
}

// Resumes after an interrupt: a PATCH's SVAML runs now and `resume` is what its `continue` goes back to.
export function onInterrupt(ctx: FlowContext, s: CallSession, wake: Wake, resume: Continuation): Promise<void> {
  if (wake.kind === 'svaml') return runSvaml(ctx, s, wake.doc, 'patch', resume);
  if (wake.kind === 'elapsed' || wake.kind === 'dtmf') return resume();
  return finishFor(ctx, s, wake);
}

async function runInstruction(ctx: FlowContext, s: CallSession, instruction: SvamlInstruction): Promise<Wake> {
  const c = s.call;
  switch (nameOf(instruction)) {
    case 'say':
      answer(ctx, s);
      return s.wait(speechMs((instruction as { text: string }).text));
    case 'playfiles':
      answer(ctx, s);
      return s.wait(filesMs((instruction as { ids: string[] }).ids));
    case 'senddtmf':
      return s.wait(dtmfMs((instruction as { value: string }).value));
    case 'setcookie': {
      const { key, value } = instruction as { key: string; value: string };
      c.cookies[key] = value;
      return ELAPSED;
    }
    case 'answer':
      answer(ctx, s);
      return ELAPSED;
    case 'startrecording':
      startRecording(ctx, s, (instruction as { options?: object }).options);
      return ELAPSED;
    case 'stoprecording':
      await stopRecordings(ctx, s);
      return ELAPSED;
    default:
      return ELAPSED;
  }
}

async function runAction(
  ctx: FlowContext,
  s: CallSession,
  action: SvamlAction | undefined,
  context: SvamlContext,
  next: Continuation | undefined,
): Promise<void> {
  const proceed = next ?? (() => idle(ctx, s));
  switch (nameOf(action)) {
    case undefined:
      // An ICE answer without an action has nowhere to send the call.
      return context === 'ice' && !next ? ctx.finish(s, hangupResult(s), 'MANAGERHANGUP') : proceed();
    case 'hangup':
      return ctx.finish(s, hangupResult(s), 'MANAGERHANGUP');
    case 'continue':
      return proceed();
    case 'connectpstn':
      return connectPstn(ctx, s, action as ConnectPstnAction);
    case 'connectconf': {
      const conf = action as ConnectConfAction;
      return joinConference(ctx, s, conf.conferenceId, conf.moh);
    }
    case 'park':
      return park(ctx, s, action as ParkAction);
    case 'runmenu':
      return runMenu(ctx, s, action as RunMenuAction, next);
    case 'connectmxp':
    case 'connectsip':
    case 'connectstream': {
      // App, SIP and stream endpoints always pick up in the simulator.
      answer(ctx, s);
      s.call.connectedTo = nameOf(action);
      s.limitTo((action as { maxDuration?: number }).maxDuration);
      ctx.note(s, 'connected', { to: nameOf(action) });
      return idle(ctx, s);
    }
    default:
      return ctx.finish(s, errorResult(s), 'INVALIDSVAMLACTION');
  }
}

// Connected with nothing to play: waits until the far end hangs up after its talk time.
export function idle(ctx: FlowContext, s: CallSession): Promise<void> {
  return talk(ctx, s, s.call.talkTimeS * 1000);
}

async function talk(ctx: FlowContext, s: CallSession, ms: number): Promise<void> {
  const start = s.nowSimMs;
  const wake = await s.wait(ms);
  if (wake.kind === 'elapsed') return ctx.finish(s, 'ANSWERED', talkEndReason(s));
  const left = Math.max(0, ms - (s.nowSimMs - start));
  return onInterrupt(ctx, s, wake, () => talk(ctx, s, left));
}

// Sends the ACE (when the call has one) and runs its answer, or `next` when there is none.
export async function afterAnswer(ctx: FlowContext, s: CallSession, next: Continuation): Promise<void> {
  const doc = await askSvaml(ctx, s, 'ace', aceBody(s.call, ctx.options.applicationKey));
  if (doc === ENDED) return;
  return doc === undefined ? next() : runSvaml(ctx, s, doc, 'ace', next);
}

// Places the second leg (inbound call, PIE) or the callout leg itself (custom callout ICE, whose instructions
// are played to the callee once connected, as nobody is on the line before).
export async function connectPstn(ctx: FlowContext, s: CallSession, action: ConnectPstnAction, onConnect: SvamlInstruction[] = []): Promise<void> {
  const c = s.call;
  ctx.rooms.leave(c.callId);
  const number = action.number ?? c.to.endpoint;
  c.connectedTo = number;
  if (c.origin !== 'inbound' && action.cli !== undefined) c.cli = action.cli;
  if (action.suppressCallbacks === true) {
    c.callbacks.ace = { kind: 'none' };
    c.callbacks.dice = false;
  }
  // Sinch takes "true" as well as true (the spec's own AMD example sends the string).
  const amdEnabled: unknown = action.amd?.enabled;
  const opts = { amd: amdEnabled === true || amdEnabled === 'true', dialTimeoutS: action.dialTimeout, dtmf: action.dtmf };
  const answered = await ring(ctx, s, number, opts, (doc) => runSvaml(ctx, s, doc, 'patch'));
  if (!answered) return;
  s.limitTo(action.maxDuration ?? c.details.maxDurationS);
  const bridged = (): Promise<void> => idle(ctx, s);
  return afterAnswer(ctx, s, onConnect.length > 0 ? () => runSvaml(ctx, s, { instructions: onConnect }, 'ace', bridged) : bridged);
}

export async function joinConference(ctx: FlowContext, s: CallSession, conferenceId: string, moh?: string): Promise<void> {
  const c = s.call;
  answer(ctx, s);
  const cli = c.origin === 'inbound' ? c.cli : c.to.endpoint;
  ctx.rooms.join(conferenceId, { callId: c.callId, cli, moh, clock: () => s.nowSimMs });
  c.conferenceId = conferenceId;
  ctx.note(s, 'conference joined', { conferenceId });
  return stayInConference(ctx, s, c.talkTimeS * 1000);
}

async function stayInConference(ctx: FlowContext, s: CallSession, ms: number): Promise<void> {
  const start = s.nowSimMs;
  const wake = await s.wait(ms);
  if (wake.kind === 'elapsed') return ctx.finish(s, 'ANSWERED', talkEndReason(s));
  const left = Math.max(0, ms - (s.nowSimMs - start));
  return onInterrupt(ctx, s, wake, () => stayInConference(ctx, s, left));
}

const DEFAULT_PARK_S = 600;

async function park(ctx: FlowContext, s: CallSession, action: ParkAction): Promise<void> {
  const c = s.call;
  answer(ctx, s);
  ctx.rooms.leave(c.callId);
  const intro = promptMs(action.introPrompt);
  const hold = Math.max(1000, promptMs(action.holdPrompt));
  const max = (action.maxDuration ?? DEFAULT_PARK_S) * 1000;
  // Past maxDuration the prompt that is playing is finished before the call ends (svaml-actions.md).
  const end = max <= intro ? intro : intro + Math.ceil((max - intro) / hold) * hold;
  c.parked = true;
  ctx.note(s, 'parked', { maxDurationS: action.maxDuration ?? DEFAULT_PARK_S });
  // A caller with limited patience hangs up once they have been parked that long, re-parks included.
  const patienceLeft = c.patienceS === undefined ? Infinity : Math.max(0, c.patienceS * 1000 - (c.parkedSimMs ?? 0));
  const parkedFrom = s.nowSimMs;
  const wake = await s.wait(Math.min(end, patienceLeft));
  c.parkedSimMs = (c.parkedSimMs ?? 0) + (s.nowSimMs - parkedFrom);
  c.parked = false;
  if (wake.kind === 'elapsed' && patienceLeft < end) {
    ctx.note(s, 'caller gave up waiting', { parkedS: Math.round(c.parkedSimMs / 1000) });
    return ctx.finish(s, 'ANSWERED', 'CALLERHANGUP');
  }
  if (wake.kind === 'elapsed') return ctx.finish(s, 'ANSWERED', 'TIMEOUT');
  if (wake.kind === 'svaml') ctx.note(s, 'unparked');
  return onInterrupt(ctx, s, wake, () => idle(ctx, s));
}

async function runMenu(ctx: FlowContext, s: CallSession, action: RunMenuAction, next?: Continuation): Promise<void> {
  const c = s.call;
  answer(ctx, s);
  ctx.rooms.leave(c.callId);
  ctx.note(s, 'menu started', { menu: action.mainMenu ?? 'main' });
  const outcome = await playMenu(s, action);
  const menuId = c.inMenu ?? 'main';
  c.inMenu = undefined;
  if (outcome.kind === 'interrupt') {
    const target = c.callbacks.pie;
    if (outcome.interrupt.kind === 'hangup' && (target.kind === 'app' || target.kind === 'url')) {
      // A caller leaving a menu is reported as a PIE of type hangup before the DiCE; its answer is moot.
      const result: MenuResult = { menuId, type: 'hangup', value: '', inputMethod: 'dtmf' };
      await ctx.deliver(s, 'pie', target, pieBody(c, ctx.options.applicationKey, result));
    }
    return onInterrupt(ctx, s, outcome.interrupt, next ?? (() => idle(ctx, s)));
  }
  ctx.note(s, 'menu result', { ...outcome.result });
  const doc = await sendPie(ctx, s, outcome.result);
  if (doc === ENDED) return;
  return doc === undefined ? (next ?? (() => idle(ctx, s)))() : runSvaml(ctx, s, doc, 'pie', next);
}

function sendPie(ctx: FlowContext, s: CallSession, result: MenuResult): Promise<Svaml | undefined | typeof ENDED> {
  return askSvaml(ctx, s, 'pie', pieBody(s.call, ctx.options.applicationKey, result));
}
