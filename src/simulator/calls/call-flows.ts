import type { CallSession } from 'src/simulator/calls/call-session';
import { iceBody } from 'src/simulator/calls/callback-bodies';
import { ENDED, askSvaml, errorResult, ring } from 'src/simulator/calls/call-steps';
import type { FlowContext } from 'src/simulator/calls/flow-context';
import { promptMs, speechMs } from 'src/simulator/calls/prompts';
import { afterAnswer, connectPstn, joinConference, onInterrupt, runSvaml } from 'src/simulator/calls/svaml-runner';
import type { CallOrigin } from 'src/simulator/simulator.types';
import type { ConnectPstnAction, Svaml } from 'src/sinch/svaml/svaml.types';

export type Flow = (ctx: FlowContext, s: CallSession) => Promise<void>;

const patchWhileRinging = (ctx: FlowContext, s: CallSession) => (doc: Svaml) => runSvaml(ctx, s, doc, 'patch');

// ttsCallout: ringing -> answered -> [ACE] -> the text / prompts -> hangup -> [DiCE].
async function ttsFlow(ctx: FlowContext, s: CallSession): Promise<void> {
  const c = s.call;
  if (!(await ring(ctx, s, c.to.endpoint, { dtmf: c.details.dtmf }, patchWhileRinging(ctx, s)))) return;
  const playThenHangup = async (): Promise<void> => {
    const ms = c.details.prompts !== undefined ? promptMs(c.details.prompts) : speechMs(c.details.text ?? '');
    const hangup = (): Promise<void> => ctx.finish(s, 'ANSWERED', 'MANAGERHANGUP');
    const wake = await s.wait(ms);
    return wake.kind === 'elapsed' ? hangup() : onInterrupt(ctx, s, wake, hangup);
  };
  return afterAnswer(ctx, s, playThenHangup);
}

// conferenceCallout: ringing -> answered -> [ACE, whose connectConf may pick another room] -> greeting -> room.
async function conferenceFlow(ctx: FlowContext, s: CallSession): Promise<void> {
  const c = s.call;
  if (!(await ring(ctx, s, c.to.endpoint, { dtmf: c.details.dtmf }, patchWhileRinging(ctx, s)))) return;
  s.limitTo(c.details.maxDurationS);
  const join = (): Promise<void> => joinConference(ctx, s, c.details.conferenceId ?? '', c.details.mohClass);
  const greetThenJoin = async (): Promise<void> => {
    if (!c.details.greeting) return join();
    const wake = await s.wait(speechMs(c.details.greeting));
    return wake.kind === 'elapsed' ? join() : onInterrupt(ctx, s, wake, join);
  };
  return afterAnswer(ctx, s, greetThenJoin);
}

// customCallout: ICE first (inline or callback). Its connectPstn places the call; any other action runs once the
// destination answers, after the ACE.
async function customFlow(ctx: FlowContext, s: CallSession): Promise<void> {
  const c = s.call;
  const doc = await askSvaml(ctx, s, 'ice', iceBody(c, ctx.options.applicationKey, ctx.options.currency, ctx.baseUrl()));
  if (doc === ENDED) return;
  if (doc === undefined) return ctx.finish(s, errorResult(s), 'CALLBACKERROR');
  const actionName = doc.action?.name.toLowerCase();
  if (actionName === 'hangup') return ctx.finish(s, 'N/A', 'MANAGERHANGUP');
  if (actionName === 'connectpstn') return connectPstn(ctx, s, doc.action as ConnectPstnAction, doc.instructions);
  if (!(await ring(ctx, s, c.to.endpoint, { dtmf: c.details.dtmf }, patchWhileRinging(ctx, s)))) return;
  s.limitTo(c.details.maxDurationS);
  return afterAnswer(ctx, s, () => runSvaml(ctx, s, doc, 'ice'));
}

// Inbound PSTN call (control API): ICE to the callback URL, then its SVAML runs against the caller.
async function inboundFlow(ctx: FlowContext, s: CallSession): Promise<void> {
  const c = s.call;
  c.phase = 'ringing';
  ctx.note(s, 'incoming', { from: c.cli, to: c.to.endpoint });
  const doc = await askSvaml(ctx, s, 'ice', iceBody(c, ctx.options.applicationKey, ctx.options.currency, ctx.baseUrl()));
  if (doc === ENDED) return;
  if (doc === undefined) return ctx.finish(s, errorResult(s), 'CALLBACKERROR');
  return runSvaml(ctx, s, doc, 'ice');
}

export const FLOWS: Record<CallOrigin, Flow> = {
  ttsCallout: ttsFlow,
  conferenceCallout: conferenceFlow,
  customCallout: customFlow,
  inbound: inboundFlow,
};
